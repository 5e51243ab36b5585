"""How the survey's figures read on the page."""

from commonground.backbone.templatetags.network_figures import points, score, share, signed


def test_figures_are_rounded_not_cut():
    assert score(25 / 9) == "2.78"
    assert score(None) == "—"
    assert share(1 / 6) == "17%" and share(0.4) == "40%"
    assert signed(1 / 6) == "+0.17" and signed(-2) == "−2.00" and signed(0.001) == "0.00"
    assert signed(-1, 0) == "−1" and signed(None) == "—"
    assert points(-1 / 3) == "−33 points" and points(0.05) == "+5 points"

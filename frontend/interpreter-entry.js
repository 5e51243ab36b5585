// Vega's default expression parser compiles with new Function(), which our content-security
// policy forbids; the interpreter evaluates the same expressions without eval.
import { expressionInterpreter } from "vega-interpreter";

window.vegaExpressionInterpreter = expressionInterpreter;

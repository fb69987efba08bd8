/// Grammars in the shape of llama.cpp's examples, written for these tests.
enum Fixtures {
    static let arithmetic = """
        root  ::= (expr "=" space term "\\n")+
        expr  ::= term ([-+*/] term)*
        term  ::= ident | num | "(" space expr ")" space
        ident ::= [a-z] [a-z0-9_]* space
        num   ::= [0-9]+ space
        space ::= [ \\t\\n]{0,2}
        """

    static let json = """
        root   ::= object
        value  ::= object | array | string | number | ("true" | "false" | "null") ws

        object ::=
          "{" ws (
                    string ":" ws value
            ("," ws string ":" ws value)*
          )? "}" ws

        array  ::=
          "[" ws (
                    value
            ("," ws value)*
          )? "]" ws

        string ::=
          "\\"" (
            [^"\\\\\\x7F\\x00-\\x1F] |
            "\\\\" (["\\\\/bfnrt] | "u" [0-9a-fA-F]{4}) # escapes
          )* "\\"" ws

        number ::= ("-"? ([0-9] | [1-9] [0-9]{0,15})) ("." [0-9]+)? ([eE] [-+]? [0-9]{1,3})? ws

        # bounded whitespace
        ws ::= | " " | "\\n" [ \\t]{0,20}
        """

    static let list = """
        root ::= item+

        # one line per item, starting with a dash
        item ::= "- " [^\\r\\n\\x0b\\x0c\\x85\\u2028\\u2029]+ "\\n"
        """

    static let chess = """
        root ::= (
            # the first move pair
            "1. " move " " move "\\n"

            # then more numbered pairs
            ([1-9] [0-9]? ". " move " " move "\\n")+
        )
        move ::= (pawn | nonpawn | castle) [+#]?
        nonpawn ::= [NBKQR] [a-h]? [1-8]? "x"? [a-h] [1-8]
        pawn ::= ([a-h] "x")? [a-h] [1-8] ("=" [NBKQR])?
        castle ::= "O-O" "-O"?
        """

    static let cLike = """
        root ::= (declaration)*
        declaration ::= datatype ws identifier ws "(" parameters? ")" ws "{" statement* "}" ws
        datatype ::= "int" | "float" | "char"
        identifier ::= [a-zA-Z_] [a-zA-Z_0-9]{0,8}
        parameters ::= parameter ("," ws parameter)*
        parameter ::= datatype ws identifier
        statement ::=
            ( datatype ws identifier ws "=" ws expression ";" )
          | ( identifier ws "=" ws expression ";" )
          | ( identifier ws "(" argList? ")" ";" )
          | ( "return" ws expression ";" )
          | ( "while" ws "(" condition ")" ws "{" statement* "}" )
          | ( "if" ws "(" condition ")" ws "{" statement* "}" ( ws "else" ws "{" statement* "}" )? )
          | ( ws )
        argList ::= expression ("," ws expression)*
        condition ::= expression relationOperator expression
        relationOperator ::= ("<=" | "<" | "==" | "!=" | ">=" | ">")
        expression ::= term (("+" | "-") term)*
        term ::= factor (("*" | "/") factor)*
        factor ::= identifier | number | unaryTerm | funcCall | parenExpression
        unaryTerm ::= "-" factor
        funcCall ::= identifier "(" argList? ")"
        parenExpression ::= "(" ws expression ws ")"
        number ::= [0-9]{1,6}
        ws ::= [ \\t\\n]{0,3}
        """

    static let all: [(String, String)] = [
        ("arithmetic", arithmetic), ("json", json), ("list", list), ("chess", chess), ("c-like", cLike),
    ]
}

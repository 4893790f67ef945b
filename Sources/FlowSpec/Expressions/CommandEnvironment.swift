/// The environment variables through which a `run:` command sees the run's params and inputs, so
/// a script can use a value without any `${{ }}` in its text: `"$FLOWRUN_PARAM_WHO"`.
///
/// Names are upper-cased, and every character that is not an ASCII letter or digit becomes `_`:
/// param `model-type` is `FLOWRUN_PARAM_MODEL_TYPE`; a dataset input `dataset` (a map) gives
/// `FLOWRUN_INPUT_DATASET_PATH`, `…_ID`, `…_HASH` and `…_SIZE`; a string or path input `note` gives
/// `FLOWRUN_INPUT_NOTE` (a path input also `FLOWRUN_INPUT_NOTE_PATH`).
public enum CommandEnvironment {
    public static func paramVariable(_ name: String) -> String {
        "FLOWRUN_PARAM_" + identifier(name)
    }

    /// A matrix instance's value: `FLOWRUN_MATRIX_MODEL_TYPE` for `${{ matrix.model_type }}`.
    public static func matrixVariable(_ name: String) -> String {
        "FLOWRUN_MATRIX_" + identifier(name)
    }

    public static func inputVariable(_ name: String, field: String? = nil) -> String {
        "FLOWRUN_INPUT_" + identifier(name) + (field.map { "_" + identifier($0) } ?? "")
    }

    /// Every param and input as variables; lists and maps as JSON (a map input also field by field).
    public static func variables(params: [String: Value], inputs: [String: Value], inputSpecs: [InputSpec]) -> [String: String] {
        var out: [String: String] = [:]
        // Sorted, so that two names that spell the same variable (`a-b`, `a_b`) always give the same one.
        for (name, value) in params.sorted(by: { $0.key < $1.key }) {
            out[paramVariable(name)] = value.interpolated
        }
        for (name, value) in inputs.sorted(by: { $0.key < $1.key }) {
            if case .map(let fields) = value {
                for (field, v) in fields.sorted(by: { $0.key < $1.key }) {
                    switch v {
                    case .list, .map: continue
                    default: out[inputVariable(name, field: field)] = v.interpolated
                    }
                }
            } else {
                out[inputVariable(name)] = value.interpolated
                if inputSpecs.first(where: { $0.name == name })?.type == .path {
                    out[inputVariable(name, field: "path")] = value.interpolated
                }
            }
        }
        return out
    }

    /// The variable that holds what `path` (an expression's reference) names, when there is one.
    static func variable(for path: [String]) -> String? {
        switch path.first {
        case "params" where path.count == 2: paramVariable(path[1])
        case "inputs" where path.count == 2: inputVariable(path[1])
        case "inputs" where path.count == 3: inputVariable(path[1], field: path[2])
        case "run" where path == ["run", "id"]: "FLOWRUN_RUN_ID"
        case "matrix" where path.count == 2: matrixVariable(path[1])
        default: nil
        }
    }

    private static func identifier(_ name: String) -> String {
        String(
            String.UnicodeScalarView(
                name.unicodeScalars.map { scalar -> Unicode.Scalar in
                    switch scalar {
                    case "a"..."z": Unicode.Scalar(scalar.value - 32)!
                    case "A"..."Z", "0"..."9": scalar
                    default: "_"
                    }
                }))
    }
}

import FlowSpec
import Foundation
import Store

/// The form that starts a run of a workflow (`parts/run-form`): a select of registered datasets
/// (newest first) or a file path for its dataset input, a field per other input, and a field per
/// param filled with its default (a select for `enum:` params and booleans). The page's script posts
/// it as JSON to `POST /api/runs` and opens the new run.
struct RunForm: Encodable {
    struct Option: Encodable {
        let value: String
        let label: String
        let selected: Bool
    }

    struct DatasetField: Encodable {
        let input: String
        let required: Bool
        let options: [Option]
        let hasHelp: Bool
        let help: String
    }

    struct InputField: Encodable {
        let name: String
        let required: Bool
        let type: String
        let hasHelp: Bool
        let help: String
    }

    /// One param's control. `data-type` tells the script how to read it: `json` values are JSON
    /// texts (select options, lists, maps), `number` and `string` are read as such; empty means
    /// "use the default".
    struct ParamField: Encodable {
        let name: String
        let isSelect: Bool
        let options: [Option]
        let isNumber: Bool
        let step: String
        let isJSON: Bool
        let isString: Bool
        let value: String
        let hasHelp: Bool
        let help: String
    }

    let valid: Bool
    let workflow: String
    /// The engine binds the first dataset input to the chosen dataset: none or one.
    let datasetFields: [DatasetField]
    let hasInputs: Bool
    let inputs: [InputField]
    let hasParams: Bool
    let params: [ParamField]
    /// "Run again": the run whose params fill the form (none or one).
    let again: [String]

    /// `values` and `datasetID` fill the form instead of the defaults: the params and dataset of the
    /// run `again` names (the run page's "Run again"); params the workflow no longer declares are left out.
    init(
        _ workflow: WorkflowDetailView, datasets: [DatasetRecord], values: [String: Value] = [:], datasetID: String? = nil,
        again: String? = nil
    ) {
        self.again = again.map { [$0] } ?? []
        valid = workflow.valid
        self.workflow = workflow.name
        let datasetInput = workflow.inputs.first { $0.type == "dataset" }
        datasetFields =
            datasetInput.map { input in
                var options = datasets.map { dataset in
                    Option(
                        value: dataset.id,
                        label: "\(URL(fileURLWithPath: dataset.path).lastPathComponent) · \(dataset.id) · "
                            + "\(Format.bytes(dataset.sizeBytes)) · \(Format.date(dataset.registeredAt))", selected: dataset.id == datasetID
                    )
                }
                if !input.required || datasets.isEmpty { options.insert(Option(value: "", label: "— none —", selected: false), at: 0) }
                return [
                    DatasetField(
                        input: input.name, required: input.required, options: options,
                        hasHelp: !input.description.isEmpty, help: input.description)
                ]
            } ?? []
        inputs = workflow.inputs.filter { $0.name != datasetInput?.name }.map { input in
            InputField(
                name: input.name, required: input.required, type: input.type, hasHelp: !input.description.isEmpty, help: input.description)
        }
        hasInputs = !inputs.isEmpty
        params = workflow.params.map { Self.field($0, value: values[$0.name]) }
        hasParams = !params.isEmpty
    }

    static func field(_ param: ParamView, value given: Value? = nil) -> ParamField {
        let current = given ?? param.default
        var options: [Option] = [], isSelect = false, isNumber = false, isJSON = false, isString = false
        var value = "", step = ""
        if let allowed = param.enum ?? (param.type == "bool" ? [.bool(true), .bool(false)] : nil) {
            isSelect = true
            options = allowed.map { Option(value: $0.jsonText, label: $0.interpolated, selected: $0 == current) }
        } else {
            switch param.type {
            case "number", "integer":
                isNumber = true
                step = param.type == "integer" ? "1" : "any"
                value = current?.interpolated ?? ""
            case "list", "map":
                isJSON = true
                value = current?.jsonText ?? ""
            default:
                isString = true
                value = current?.interpolated ?? ""
            }
        }
        return ParamField(
            name: param.name, isSelect: isSelect, options: options, isNumber: isNumber, step: step, isJSON: isJSON,
            isString: isString, value: value, hasHelp: !param.description.isEmpty, help: param.description)
    }
}

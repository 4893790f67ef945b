import FlowSpec
import Foundation
import Store

/// The form that starts a run of a workflow: a select of registered datasets (newest first) or a
/// file path for its dataset input, a field per other input, and a field per param filled with its
/// default (a select for `enum:` params and booleans). The page's script posts it as JSON to
/// `POST /api/runs` and opens the new run.
enum RunForm {
    static func render(_ workflow: WorkflowDetailView, datasets: [DatasetRecord]) -> String {
        guard workflow.valid else {
            return "<p id=\"run-form-disabled\" class=\"notice error\">Fix the errors below to run this workflow.</p>"
        }
        var fieldsets: [String] = []
        // The engine binds the first dataset input to the chosen dataset.
        let datasetInput = workflow.inputs.first { $0.type == "dataset" }
        if let input = datasetInput {
            var options = datasets.map { dataset in
                "<option value=\"\(html(dataset.id))\">\(html(URL(fileURLWithPath: dataset.path).lastPathComponent)) · \(html(dataset.id)) · "
                    + "\(html(Format.bytes(dataset.sizeBytes))) · \(html(Format.date(dataset.registeredAt)))</option>"
            }
            if !input.required || datasets.isEmpty { options.insert("<option value=\"\">— none —</option>", at: 0) }
            fieldsets.append("""
                <fieldset id="dataset-fields"><legend>Input \(html(input.name)) (dataset\(input.required ? ", required" : ""))</legend>
                <label>Registered dataset <select id="run-dataset" name="dataset_id">\(options.joined())</select></label>
                <label>or a file to register <input id="run-dataset-path" name="dataset_path" placeholder="inbound/exams.csv" size="36"></label>
                \(help(input.description))
                </fieldset>
                """)
        }
        let otherInputs = workflow.inputs.filter { $0.name != datasetInput?.name }
        if !otherInputs.isEmpty {
            let fields = otherInputs.map { input in
                "<label>\(html(input.name))\(input.required ? " *" : "") <input data-input=\"\(html(input.name))\" placeholder=\"\(html(input.type))\"\(input.required ? " required" : "")>\(help(input.description))</label>"
            }.joined()
            fieldsets.append("<fieldset id=\"input-fields\"><legend>Inputs</legend>\(fields)</fieldset>")
        }
        if !workflow.params.isEmpty {
            fieldsets.append("<fieldset id=\"param-fields\"><legend>Params</legend>\(workflow.params.map(field).joined())</fieldset>")
        }
        return """
            <form id="run-form" data-workflow="\(html(workflow.name))">
            \(fieldsets.joined(separator: "\n"))
            <button type="submit" id="run-submit" class="primary">Run \(html(workflow.name))</button>
            <p id="run-form-error" class="error-text" role="alert"></p>
            </form>
            """
    }

    /// One param's control. `data-type` tells the script how to read it: `json` values are JSON
    /// texts (select options, lists, maps), `number` and `string` are read as such; empty means
    /// "use the default".
    static func field(_ param: ParamView) -> String {
        let name = html(param.name)
        let control: String
        if let allowed = param.enum ?? (param.type == "bool" ? [.bool(true), .bool(false)] : nil) {
            let options = allowed.map { value in
                "<option value=\"\(html(value.jsonText))\"\(value == param.default ? " selected" : "")>\(html(value.interpolated))</option>"
            }.joined()
            control = "<select data-param=\"\(name)\" data-type=\"json\">\(options)</select>"
        } else {
            switch param.type {
            case "number", "integer":
                let value = param.default.map { html($0.interpolated) } ?? ""
                control = "<input type=\"number\" step=\"\(param.type == "integer" ? "1" : "any")\" data-param=\"\(name)\" data-type=\"number\" value=\"\(value)\">"
            case "list", "map":
                control = "<textarea data-param=\"\(name)\" data-type=\"json\" rows=\"2\">\(html(param.default?.jsonText ?? ""))</textarea>"
            default:
                control = "<input data-param=\"\(name)\" data-type=\"string\" value=\"\(html(param.default?.interpolated ?? ""))\">"
            }
        }
        return "<label>\(name) \(control)\(help(param.description))</label>"
    }

    static func help(_ text: String) -> String {
        text.isEmpty ? "" : "<span class=\"field-help\">\(html(text))</span>"
    }
}

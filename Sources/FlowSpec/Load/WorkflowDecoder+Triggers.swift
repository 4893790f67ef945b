import Foundation

extension WorkflowDecoder {
    static let scheduleKeys = ["cron", "timezone", "params", "catchup", "overlap"]

    /// `triggers: schedule: { cron: "0 2 * * *", timezone: Europe/Berlin, params: {…}, catchup: last, overlap: skip }`.
    mutating func decodeSchedule(_ node: YAMLNode, params declared: [ParamSpec], inputs: [InputSpec]) -> Schedule? {
        let field = "triggers.schedule"
        guard let pairs = reader.mapping(node, field, allowed: Self.scheduleKeys) else { return nil }
        let f = Dictionary(pairs.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        // Every key is checked even when the cron is wrong: all the mistakes at once.
        var cron: CronExpression?
        if let cronField = f["cron"] {
            if let cronText = reader.string(cronField.value, "\(field).cron") {
                do { cron = try CronExpression(cronText) } catch {
                    reader.error(cronField.value.mark, "\(field).cron: \(error.message)")
                }
            }
        } else {
            reader.error(node.mark, "\(field): missing required key 'cron' (e.g. cron: \"0 2 * * *\")")
        }
        var zone = TimeZone(identifier: "UTC")!
        if let z = f["timezone"], let name = reader.string(z.value, "\(field).timezone") {
            if let found = TimeZone(identifier: name) {
                zone = found
            } else {
                reader.error(
                    z.value.mark,
                    "\(field).timezone: unknown time zone '\(name)'"
                        + Suggestion.hint(for: name, in: TimeZone.knownTimeZoneIdentifiers)
                        + " (a name from the tz database, e.g. Europe/Berlin or UTC)")
            }
        }
        var params: [String: Value] = [:]
        if let p = f["params"], let entries = reader.mapping(p.value, "\(field).params") {
            for entry in entries {
                guard let spec = declared.first(where: { $0.name == entry.key }) else {
                    reader.error(
                        entry.keyMark,
                        "\(field).params: unknown param '\(entry.key)'" + Suggestion.hint(for: entry.key, in: declared.map(\.name))
                            + (declared.isEmpty ? " (the workflow declares none)" : ""))
                    continue
                }
                do { params[entry.key] = try spec.check(entry.value.value) } catch {
                    reader.error(entry.value.mark, "\(field).params.\(entry.key): \(error.message)")
                }
            }
        }
        let catchup = f["catchup"].flatMap { choice($0.value, "\(field).catchup", Schedule.Catchup.self) } ?? .last
        let overlap = f["overlap"].flatMap { choice($0.value, "\(field).overlap", Schedule.Overlap.self) } ?? .allow
        // A scheduled run is given params only: a required input would refuse every tick.
        for input in inputs where input.required {
            reader.error(
                node.mark,
                "\(field): input '\(input.name)' is required, and a scheduled run is given none; "
                    + "make it `required: false` or start runs of this workflow another way (flowrun backfill runs one per dataset)")
        }
        guard let cron else { return nil }
        return Schedule(cron: cron, timeZone: zone, params: params, catchup: catchup, overlap: overlap)
    }

    private mutating func choice<T: RawRepresentable & CaseIterable>(_ node: YAMLNode, _ field: String, _: T.Type) -> T?
    where T.RawValue == String {
        guard let s = reader.string(node, field) else { return nil }
        if let v = T(rawValue: s) { return v }
        let all = T.allCases.map(\.rawValue)
        reader.error(node.mark, "\(field): expected one of \(all.joined(separator: ", ")), got '\(s)'" + Suggestion.hint(for: s, in: all))
        return nil
    }
}

import FlowSpec
import Foundation
import Store

/// Several runs side by side: what `flowrun runs compare`, `GET /api/runs/compare` and the
/// dashboard's compare page show. Built once here (``Engine/compareRuns(_:metric:)``) so the three
/// agree on which params differ, which value is best and how runs are ordered.
public struct RunComparison: Sendable, Encodable {
    public struct Run: Sendable, Encodable {
        public var id: String
        public var workflow: String
        public var state: RunState
        public var createdAt: Date
        public var startedAt: Date?
        public var finishedAt: Date?
        /// From start to finish (to now while it runs); nil when it never started.
        public var durationSeconds: Double?
        /// For one run's matrix instances (``RunComparison/instancesOf``): the instance's own state
        /// (`cached`, `upstream_failed`, …), which ``state`` can only approximate. Nil for runs.
        public var stepState: StepState? = nil
    }

    /// A param as each run has it (its text: `50`, `logistic`; nil when the run has no such param).
    public struct Param: Sendable {
        public var name: String
        public var values: [String?]
        /// False when every run has the same value: the CLI and page collapse these.
        public var differs: Bool
    }

    /// A metric as each run reported it, keyed `step.name` (`evaluate.accuracy`).
    public struct Metric: Sendable {
        public var key: String
        public var step: String
        public var name: String
        /// `model` (how good the model is) or `data` (counters), as the run page groups them (``MetricGroups``).
        public var group: String
        /// Which way is better (``MetricDirection``); nil for counters: no best is marked.
        public var better: MetricDirection?
        public var values: [Double?]
        /// Positions in ``runs`` of the best value (ties share it); empty without a direction or with
        /// fewer than two values.
        public var best: [Int]
    }

    /// In the order shown: as asked, or best first by ``sortedBy``.
    public var runs: [Run]
    /// The differing params first, then the same ones, each by name.
    public var params: [Param]
    /// The model's metrics first (leading ones first: accuracy, f1, …), then the counters.
    public var metrics: [Metric]
    /// The metric name the runs were sorted by (`--metric`, `?metric=`), nil when kept in the given order.
    public var sortedBy: String?
    /// Set when the columns are one run's matrix instances (``Engine/compareInstances(of:metric:)``):
    /// that run's id. Each column's ``Run/id`` is then an instance's step id (`evaluate[window=50]`),
    /// its params are the instance's matrix values and its metric keys name the matrix step
    /// (`evaluate.accuracy`) so that instances line up.
    public var instancesOf: String? = nil
}

/// As JSON (`flowrun runs compare --json`, `GET /api/runs/compare`): a param's or metric's values
/// are an object by run id — a run without the param or metric has no key, rather than a null —
/// and `best` lists run ids.
extension RunComparison {
    private enum Key: String, CodingKey {
        case runs, params, metrics, sortedBy = "sorted_by", instancesOf = "instances_of", name, differs, values, key, step, group, better,
            best
    }

    private struct ByRun<T: Encodable>: Encodable {
        let ids: [String]
        let values: [T?]
        // A dictionary, not a keyed container: JSONEncoder's snake_case strategy rewrites a container's
        // keys (`evaluate[model_type=a%2Fb]` would become `…a%2_fb]`) but leaves a dictionary's alone.
        func encode(to encoder: any Encoder) throws {
            var byID: [String: T] = [:]
            for (id, value) in zip(ids, values) { if let value { byID[id] = value } }
            var c = encoder.singleValueContainer()
            try c.encode(byID)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        let ids = runs.map(\.id)
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(runs, forKey: .runs)
        var params = c.nestedUnkeyedContainer(forKey: .params)
        for p in self.params {
            var row = params.nestedContainer(keyedBy: Key.self)
            try row.encode(p.name, forKey: .name)
            try row.encode(p.differs, forKey: .differs)
            try row.encode(ByRun(ids: ids, values: p.values), forKey: .values)
        }
        var metrics = c.nestedUnkeyedContainer(forKey: .metrics)
        for m in self.metrics {
            var row = metrics.nestedContainer(keyedBy: Key.self)
            try row.encode(m.key, forKey: .key)
            try row.encode(m.step, forKey: .step)
            try row.encode(m.name, forKey: .name)
            try row.encode(m.group, forKey: .group)
            try row.encodeIfPresent(m.better, forKey: .better)
            try row.encode(ByRun(ids: ids, values: m.values), forKey: .values)
            try row.encode(m.best.map { ids[$0] }, forKey: .best)
        }
        try c.encodeIfPresent(sortedBy, forKey: .sortedBy)
        try c.encodeIfPresent(instancesOf, forKey: .instancesOf)
    }
}

extension Engine {
    /// The most runs one comparison takes.
    public static let compareLimit = 50

    /// Compares the runs `references` name (ids, prefixes, `latest~N`: ``resolveRunID(_:)``); with
    /// `metric` (a name, `accuracy`, or a `step.name` key) the runs are ordered best first by it, runs
    /// without it last.
    public func compareRuns(_ references: [String], metric: String? = nil) async throws -> RunComparison {
        guard !references.isEmpty else { throw RunReferenceError.invalid("", reason: "give at least one run to compare") }
        guard references.count <= Self.compareLimit else {
            throw RunReferenceError.invalid(
                references[Self.compareLimit], reason: "compare at most \(Self.compareLimit) runs at once, not \(references.count)")
        }
        var records: [RunRecord] = []
        for reference in references {
            let run = try await resolveRun(reference)
            if !records.contains(where: { $0.id == run.id }) { records.append(run) }
        }
        var metricsByRun: [[String: Double]] = []
        var stepOrder: [String] = []
        var seen: Set<String> = []
        var pairs: [(step: String, name: String)] = []
        for run in records {
            var values: [String: Double] = [:]
            for m in try await store.metrics(runID: run.id) {
                values[m.stepID + "." + m.name] = m.value
                if !stepOrder.contains(m.stepID) { stepOrder.append(m.stepID) }
                if seen.insert(m.stepID + "." + m.name).inserted { pairs.append((m.stepID, m.name)) }
            }
            metricsByRun.append(values)
        }
        let now = clock.now()
        let columns = records.map { run in
            RunComparison.Run(
                id: run.id, workflow: run.workflowName, state: run.state, createdAt: run.createdAt,
                startedAt: run.startedAt, finishedAt: run.finishedAt,
                durationSeconds: run.startedAt.map { (run.finishedAt ?? now).timeIntervalSince($0) })
        }
        let paramMaps = records.map { (Value(jsonText: $0.paramsJSON)?.mapValue ?? [:]).mapValues(\.interpolated) }
        return try Self.arrange(
            columns: columns, params: paramMaps, metrics: metricsByRun, pairs: pairs, stepOrder: stepOrder,
            metric: metric, noun: "run")
    }

    /// The comparison from its columns (runs, or one run's matrix instances), each column's params by
    /// name and metrics by `step.name` key: ordered by `metric` when given, params that differ first,
    /// the best per model metric marked. Shared by ``compareRuns(_:metric:)`` and
    /// ``compareInstances(of:metric:)`` so both mark the best and order the same way.
    static func arrange(
        columns: [RunComparison.Run], params paramMaps: [[String: String]], metrics metricsByColumn: [[String: Double]],
        pairs: [(step: String, name: String)], stepOrder: [String], metric: String?, noun: String,
        instancesOf: String? = nil
    ) throws -> RunComparison {
        var order = Array(columns.indices)
        if let metric {
            let direction = MetricDirection.of(metric) ?? .higherIsBetter
            func value(_ i: Int) -> Double? {
                let matching = metricsByColumn[i].filter { $0.key == metric || $0.key.hasSuffix("." + metric) }.map(\.value)
                return direction == .higherIsBetter ? matching.max() : matching.min()
            }
            guard order.contains(where: { value($0) != nil }) else {
                let known = Set(pairs.map(\.name)).sorted()
                throw RunReferenceError.invalid(
                    metric,
                    reason: "no compared \(noun) reported metric '\(metric)'"
                        + Suggestion.hint(for: metric, in: known)
                        + (known.isEmpty ? "" : " (metrics: \(known.joined(separator: ", ")))"))
            }
            // A stable sort: equal values keep the order given.
            order = order.enumerated().sorted { a, b in
                switch (value(a.element), value(b.element)) {
                case let (x?, y?) where x != y: return direction.prefers(x, over: y)
                case (.some, nil): return true
                case (nil, .some): return false
                default: return a.offset < b.offset
                }
            }.map(\.element)
        }
        let metrics = order.map { metricsByColumn[$0] }
        let maps = order.map { paramMaps[$0] }
        let names = Set(maps.flatMap(\.keys))
        let params = names.map { name in
            let values = maps.map { $0[name] }
            return RunComparison.Param(name: name, values: values, differs: Set(values).count > 1)
        }.sorted { ($0.differs ? 0 : 1, $0.name) < ($1.differs ? 0 : 1, $1.name) }

        let arranged = MetricGroups.arrange(pairs, stepOrder: stepOrder)
        func row(_ pair: (step: String, name: String), group: String) -> RunComparison.Metric {
            let key = pair.step + "." + pair.name
            let values = metrics.map { $0[key] }
            let direction = group == "model" ? MetricDirection.of(pair.name) : nil
            var best: [Int] = []
            let present = values.compactMap { $0 }
            if let direction, present.count > 1, let top = present.max(by: { direction.prefers($1, over: $0) }) {
                best = values.indices.filter { values[$0] == top }
            }
            return RunComparison.Metric(
                key: key, step: pair.step, name: pair.name, group: group, better: direction,
                values: values, best: best)
        }
        return RunComparison(
            runs: order.map { columns[$0] },
            params: params,
            metrics: arranged.model.map { row($0, group: "model") } + arranged.counters.map { row($0, group: "data") },
            sortedBy: metric, instancesOf: instancesOf)
    }

    /// A workflow's runs best first by `metric` (its direction from ``MetricDirection``; higher is
    /// better when unknown), succeeded runs only.
    public func leaderboard(workflow: String, metric: String, limit: Int) async throws -> [LeaderboardEntry] {
        let direction = MetricDirection.of(metric) ?? .higherIsBetter
        return try await store.leaderboard(
            LeaderboardQuery(
                workflow: workflow, metric: metric,
                higherIsBetter: direction == .higherIsBetter, limit: limit))
    }

    /// The dashboard's runs table (``Store/runTable(_:)``); the metric's direction is filled in here.
    public func runTable(_ query: RunTableQuery) async throws -> RunTablePage {
        var query = query
        if let metric = query.metric { query.metricHigherIsBetter = (MetricDirection.of(metric) ?? .higherIsBetter) == .higherIsBetter }
        return try await store.runTable(query)
    }
}

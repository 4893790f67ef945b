import Learn

/// The engine's name for Learn's one table of metric directions (`Learn/Metrics/MetricDirection.swift`),
/// so the API and the CLI need not import Learn to rank runs.
public typealias MetricDirection = Learn.MetricDirection

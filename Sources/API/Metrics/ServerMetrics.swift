import Foundation
import Metrics
import Prometheus
import Store

/// What `/metrics` exposes, held in one swift-prometheus registry per router: several servers in
/// one process (the tests) keep theirs apart, so the global `MetricsSystem` is never bootstrapped.
///
/// Three kinds of series:
/// - gauges set from a ``StoreSnapshot`` at each scrape: runs by state, queue depth, live workers,
///   and each live worker's health as it wrote it with its heartbeat (steps held, slots, heartbeat
///   age, oldest unfinished store call's age, last store error's time);
/// - counters and the step-duration histogram, fed by ``RunMetricsFollower`` as runs finish;
/// - HTTP requests by route, method and status, recorded through swift-metrics (`Counter`, `Timer`)
///   from a `PrometheusMetricsFactory` over the same registry (``HTTPMetricsMiddleware``).
final class ServerMetrics: @unchecked Sendable {
    /// Step durations' upper bounds in seconds: from a `noop` to an hour of training.
    static let stepDurationBuckets: [Double] = [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600]
    /// Request durations' upper bounds: the API answers in milliseconds; a log tail may take seconds.
    static let httpDurationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]
    static let httpRequests = "flowrun_http_requests_total"
    static let httpDuration = "flowrun_http_request_duration_seconds"

    let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let up: Prometheus.Gauge
    private let queueDepth: Prometheus.Gauge
    private let workersAlive: Prometheus.Gauge
    private let runs: [RunState: Prometheus.Gauge]
    private let finished: [RunState: Prometheus.Counter]
    private let retries: Prometheus.Counter
    private let leaseExpirations: Prometheus.Counter

    /// Guards the maps below, and makes a scrape's update and emission one step.
    private let lock = NSLock()
    private var stepDurations: [String: ValueHistogram] = [:]
    private var workerGauges: [String: [Prometheus.Gauge]] = [:]
    private var poolGauges: [String: [Prometheus.Gauge]] = [:]
    private var requests: [RequestKey: (count: Metrics.Counter, duration: Metrics.Timer)] = [:]

    private struct RequestKey: Hashable {
        let route: String
        let method: String
        let status: Int
    }

    init() {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[Self.httpDuration] = Self.httpDurationBuckets
        self.factory = factory
        up = registry.makeGauge(name: "flowrun_up", help: "1 when the store could be read.")
        runs = Dictionary(
            uniqueKeysWithValues: RunState.allCases.map { state in
                (state, registry.makeGauge(name: "flowrun_runs", labels: [("state", state.rawValue)], help: "Runs in the store by state."))
            })
        queueDepth = registry.makeGauge(name: "flowrun_queue_depth", help: "Steps ready to run, waiting for a worker.")
        workersAlive = registry.makeGauge(name: "flowrun_workers_alive", help: "Workers with a heartbeat in the last 60 seconds.")
        finished = Dictionary(
            uniqueKeysWithValues: [RunState.succeeded, .failed, .canceled].map { state in
                (
                    state,
                    registry.makeCounter(
                        name: "flowrun_runs_finished_total", labels: [("state", state.rawValue)],
                        help: "Runs seen finishing since this server started, by final state.")
                )
            })
        retries = registry.makeCounter(
            name: "flowrun_step_retries_total",
            help: "Step attempts after the first (retries and lease take-backs) in runs finished since start.")
        leaseExpirations = registry.makeCounter(
            name: "flowrun_step_lease_expired_total",
            help: "Attempts whose worker died (lease expired) in runs finished since start.")
    }

    // MARK: Runs finishing (RunMetricsFollower)

    func runFinished(_ state: RunState) {
        finished[state]?.increment()
    }

    func attemptSeen(attempt: Int, outcome: String?, seconds: Double?) {
        if attempt > 1 { retries.increment() }
        if outcome == "lease_expired" { leaseExpirations.increment() }
        guard let seconds else { return }
        let outcome = outcome ?? "unknown"
        let histogram: ValueHistogram = lock.withLock {
            if let existing = stepDurations[outcome] { return existing }
            let made = registry.makeValueHistogram(
                name: "flowrun_step_duration_seconds", labels: [("outcome", outcome)],
                buckets: Self.stepDurationBuckets,
                help: "Step attempt durations in runs finished since start, by outcome.")
            stepDurations[outcome] = made
            return made
        }
        histogram.record(max(0, seconds))
    }

    // MARK: HTTP (HTTPMetricsMiddleware)

    /// `route` is the pattern the router matched (`/api/runs/{id}`), never the raw path: a client
    /// must not be able to grow the series without bound.
    func request(route: String, method: String, status: Int, duration: Duration) {
        let key = RequestKey(route: route, method: method, status: status)
        let handles = lock.withLock {
            if let existing = requests[key] { return existing }
            let dimensions = [("route", route), ("method", method), ("status", String(status))]
            let made = (
                count: Metrics.Counter(label: Self.httpRequests, dimensions: dimensions, factory: factory),
                duration: Metrics.Timer(label: Self.httpDuration, dimensions: dimensions, factory: factory)
            )
            requests[key] = made
            return made
        }
        handles.count.increment()
        handles.duration.record(duration: duration)
    }

    // MARK: Scrape

    /// Sets the gauges from `snapshot` (ages against `now`) and writes the exposition.
    func exposition(_ snapshot: StoreSnapshot, now: Date) -> String {
        lock.withLock {
            up.set(to: snapshot.error == nil ? 1 : 0)
            for (state, gauge) in runs { gauge.set(to: Double(snapshot.runCounts[state] ?? 0)) }
            queueDepth.set(to: Double(snapshot.queueDepth))
            workersAlive.set(to: Double(snapshot.workers.count))
            setWorkerGauges(snapshot.workers, now: now)
            setPoolGauges(snapshot.pools)
            return registry.emitToString()
        }
    }

    /// One set of gauges per live worker; a worker no longer live loses its series.
    private func setWorkerGauges(_ workers: [WorkerRecord], now: Date) {
        let live = Set(workers.map(\.name))
        for (name, gauges) in workerGauges where !live.contains(name) {
            for gauge in gauges { registry.unregisterGauge(gauge) }
            workerGauges.removeValue(forKey: name)
        }
        for worker in workers {
            let labels = [("worker", worker.name)]
            func gauge(_ name: String, _ help: String, _ value: Double) -> Prometheus.Gauge {
                let made = registry.makeGauge(name: name, labels: labels, help: help)
                made.set(to: value)
                return made
            }
            var gauges = [
                gauge("flowrun_worker_steps_held", "Steps the worker holds, as of its last heartbeat.", Double(worker.stepsHeld)),
                gauge(
                    "flowrun_worker_heartbeat_age_seconds", "Seconds since the worker's last heartbeat.",
                    max(0, now.timeIntervalSince(worker.lastHeartbeat))),
                gauge(
                    "flowrun_worker_oldest_store_call_age_seconds",
                    "Age of the worker's oldest store call that had not returned at its last heartbeat; 0 when none.",
                    worker.oldestCall.map { max(0, now.timeIntervalSince($0.startedAt)) } ?? 0),
                gauge(
                    "flowrun_worker_last_store_error_timestamp_seconds",
                    "Unix time of the worker's last failed store call; 0 when none.",
                    worker.lastError?.at.timeIntervalSince1970 ?? 0),
            ]
            if let concurrency = worker.concurrency {
                gauges.append(
                    gauge("flowrun_worker_slots", "Slots the worker fills with steps (a step takes its cpu:).", Double(concurrency)))
            }
            workerGauges[worker.name] = gauges
        }
    }

    /// Per pool: steps ready and waiting (its queue depth), places in use, and its limit when it has
    /// one; a pool no longer listed loses its series, as a worker does.
    private func setPoolGauges(_ pools: [PoolRecord]) {
        let listed = Set(pools.map(\.name))
        for (name, gauges) in poolGauges where !listed.contains(name) {
            for gauge in gauges { registry.unregisterGauge(gauge) }
            poolGauges.removeValue(forKey: name)
        }
        for pool in pools {
            let labels = [("pool", pool.name)]
            func gauge(_ name: String, _ help: String, _ value: Double) -> Prometheus.Gauge {
                let made = registry.makeGauge(name: name, labels: labels, help: help)
                made.set(to: value)
                return made
            }
            var gauges = [
                gauge("flowrun_pool_queue_depth", "Steps of the pool ready to run, waiting for a place or a worker.", Double(pool.ready)),
                gauge("flowrun_pool_in_use", "Steps of the pool running now.", Double(pool.slots == nil ? pool.running : pool.inUse)),
            ]
            if let limit = pool.slots {
                gauges.append(gauge("flowrun_pool_limit", "Steps of the pool that may run at once (flowrun pools set).", Double(limit)))
            }
            poolGauges[pool.name] = gauges
        }
    }
}

import FlowSpec
import Foundation
import Steps
import Store
import Threads

/// Runs one claimed attempt of one step and says how it ended; never throws.
///
/// Resolves the step's `with:` against the run's params, inputs and upstream outputs, evaluates its
/// `if:`, runs the ``Step`` with its timeout, and turns what happened into a
/// ``StepCompletion/Outcome`` (with the retry time when attempts remain).
struct StepExecutor: Sendable {
    let engine: Engine
    let plans: RunPlanCache

    /// Why a running attempt is being stopped from outside.
    enum StopReason: Sendable {
        case canceled
        case leaseLost
        case shutdown
    }

    /// The attempt's outcome, and what it recorded about caching (nil for a step that does not cache).
    func execute(
        _ step: StepRunRecord, stopReason: @escaping @Sendable () -> StopReason?
    ) async -> (outcome: StepCompletion.Outcome, cache: AttemptCache?) {
        let plan: RunPlan
        do { plan = try await plans.plan(runID: step.runID) } catch {
            return (.failed(error: "cannot plan run: \(ErrorText.of(error))", exitStatus: nil, retryAt: nil), nil)
        }
        guard let spec = plan.workflow.steps.first(where: { $0.id == step.stepID }) else {
            return (.failed(error: "step '\(step.stepID)' is not in the run's workflow", exitStatus: nil, retryAt: nil), nil)
        }
        var cacheRecord: AttemptCache?
        guard !Self.onlyAwaits(spec) else {
            let outcome = await execute(step, plan: plan, spec: spec, ownThread: false, cacheRecord: &cacheRecord, stopReason: stopReason)
            return (outcome, cacheRecord)
        }
        // A step that computes (the built-in ML steps, a user's own Swift step) runs on a thread of
        // its own, and the rest of its attempt (its cache key hashes files) on another: on the
        // cooperative pool, one thread per core, a fit of a minute held up the worker's heartbeats
        // (its lease ran out) and, in `serve`, the API. Two threads, so that the attempt can end
        // while a step that does not stop still holds its own (``BoundedStepRun``).
        let outcome = await ThreadExecutor.run(named: "attempt \(spec.id)") {
            await execute(step, plan: plan, spec: spec, ownThread: true, cacheRecord: &cacheRecord, stopReason: stopReason)
        }
        return (outcome, cacheRecord)
    }

    /// A command (its process is waited for on a thread of its own) and `noop` only await: they run in
    /// place, without a thread's start per attempt.
    static func onlyAwaits(_ spec: StepSpec) -> Bool {
        switch spec.action {
        case .run: true
        case .uses(let name): name == CommandStep.name || name == NoopStep.name
        }
    }

    private func execute(
        _ step: StepRunRecord, plan: RunPlan, spec: StepSpec, ownThread: Bool, cacheRecord: inout AttemptCache?,
        stopReason: @escaping @Sendable () -> StopReason?
    ) async -> StepCompletion.Outcome {

        // Created on the first line a step writes; a silent attempt leaves its record in run.log only.
        let log = LogFile(
            url: engine.layout.stepLog(run: step.runID, step: step.stepID, attempt: step.attempt), lazily: true,
            header: "attempt \(step.attempt) of \(step.maxAttempts) on \(step.worker ?? "?")")
        defer { log.close() }
        let clock = engine.clock
        // The step's own last lines: a failure stores them as its error excerpt.
        let recent = RecentLines()

        do {
            let context = try await expressionContext(plan: plan, step: step, spec: spec)
            if let condition = spec.condition, !(try Expressions.evaluateCondition(condition, in: context)) {
                log.write("skipped: if: \(condition) is false", at: clock.now())
                return .skipped(reason: "if: \(condition) is false")
            }
            let (implementation, parameters) = try resolve(spec, context: context, inputs: plan.workflow.inputs)
            let artifacts = engine.layout.artifactDirectory(run: step.runID, step: step.stepID)
            let cache = StepCache(engine: engine)
            var parts: CacheKeyParts?
            if cache.stepCaches(spec) {
                do {
                    let keyParts = try await cache.parts(spec: spec, step: step, parameters: parameters, plan: plan)
                    parts = keyParts
                    var deleted = 0
                    if plan.cacheEnabled {
                        let (reuse, missing) = try await cache.reuse(keyParts, step: step)
                        if let reuse {
                            log.write(reuse.record.note ?? "cached", at: clock.now())
                            cacheRecord = reuse.record
                            return .cached(outputs: reuse.outputs, metrics: reuse.metrics, from: reuse.source)
                        }
                        deleted = missing
                    }
                    let note = await cache.whyItRuns(
                        keyParts, step: step, workflow: plan.workflow.name, runCaches: plan.cacheEnabled, deletedEntries: deleted)
                    if let note { log.write(note, at: clock.now()) }
                    cacheRecord = AttemptCache(key: keyParts.key, partsJSON: keyParts.json, note: note)
                } catch {
                    // The cache is an optimisation: a lookup that fails (the store away a moment) runs the step.
                    log.write("warning: cache lookup failed, running the step: \(ErrorText.of(error))", at: clock.now())
                }
            }
            // Files a reused result left here are shared with a cache entry: never write through them.
            ArtifactManifest.detachSharedFiles(in: artifacts)
            let key = StepAttemptKey(runID: step.runID, stepID: step.stepID, attempt: step.attempt)
            let stepContext = StepContext(
                runID: step.runID, stepID: step.stepID, attempt: step.attempt, parameters: Parameters(parameters),
                artifactDirectory: artifacts, dataRoot: engine.layout.root,
                log: StepLogger { [clock] message in
                    // The excerpt is the step's own words. A command's launch line is flowrun's, and it is
                    // logged once the spawn returns, while the output thread already reads: under load
                    // it landed after the program's last line and became the "cause" of a failure.
                    if !message.hasPrefix("started pid ") { recent.append(message) }
                    log.write(message, at: clock.now())
                },
                slots: step.cpu,
                onProcessStarted: { [engine] started in
                    await engine.recordProcess(started, of: key, worker: step.worker ?? "", log: log)
                })

            let result = try await BoundedStepRun.run(
                implementation, stepContext, timeout: spec.timeout, clock: clock,
                on: ownThread ? ThreadExecutor(name: "step \(spec.id)") : nil)
            if let failure = log.failure { throw StepError.failed(failure) }
            if parts != nil { cacheRecord = cache.computed(parts, step: step, note: cacheRecord?.note) }
            if log.isOpen { log.write("succeeded", at: clock.now()) }
            return .succeeded(outputs: result.outputs.mapValues(\.jsonText), metrics: result.metrics)
        } catch {
            let now = clock.now()
            switch stopReason() {
            case .canceled?:
                log.write("canceled", at: now)
                return .canceled(reason: "run canceled")
            case .leaseLost?, .shutdown?:
                // The caller will not (or cannot) complete this attempt; the lease hands it on.
                log.write("stopped: this worker no longer holds the step", at: now)
                return .canceled(reason: "stopped")
            case nil:
                break
            }
            if let excerpt = ErrorExcerpt.make(recent.all) {
                await engine.recordExcerpt(
                    excerpt, of: StepAttemptKey(runID: step.runID, stepID: step.stepID, attempt: step.attempt),
                    worker: step.worker ?? "", log: log)
            }
            var message = ErrorText.of(error)
            if error is StepDidNotStop {
                if step.attempt < step.maxAttempts { message += " (not retried: it may still write to its artifact folder)" }
                log.write("failed: \(message)", at: now)
                return .failed(error: message, exitStatus: nil, retryAt: nil)
            }
            if step.attempt < step.maxAttempts, (error as? PermanentFailure)?.isPermanent == true {
                // Bad input fails the same way every time: retrying only delays the answer.
                message += " (not retried: the input is invalid)"
                log.write("failed: \(message)", at: now)
                return .failed(error: message, exitStatus: nil, retryAt: nil)
            }
            log.write("failed: \(message)", at: now)
            if step.attempt < step.maxAttempts {
                let delay = spec.retry.delay(afterAttempt: step.attempt)
                log.write("will retry in \(DurationText.readable(delay)) (attempt \(step.attempt + 1) of \(step.maxAttempts))", at: now)
                return .failed(error: message, exitStatus: nil, retryAt: now.addingTimeInterval(delay.seconds))
            }
            return .failed(error: message, exitStatus: nil, retryAt: nil)
        }
    }

    private func expressionContext(plan: RunPlan, step: StepRunRecord, spec: StepSpec) async throws -> ExpressionContext {
        var outputs: [String: [String: Value]] = [:]
        if plan.readsStepOutputs.contains(spec.id) {
            for upstream in try await engine.store.steps(runID: step.runID) where upstream.state.isSuccess {
                outputs[upstream.stepID] = upstream.outputs.compactMapValues(RunPlan.decode)
            }
        }
        var context = ExpressionContext(params: plan.params, inputs: plan.inputs, stepOutputs: outputs, runID: step.runID)
        context.addMatrix(of: spec)
        return context
    }

    private func resolve(_ spec: StepSpec, context: ExpressionContext, inputs: [InputSpec]) throws -> (any Step, [String: Value]) {
        // A command sees every param and input as FLOWRUN_PARAM_… / FLOWRUN_INPUT_…; its own `env:` wins.
        func environment(_ given: Value?) -> Value {
            var env = CommandEnvironment.variables(params: context.params, inputs: context.inputs, inputSpecs: inputs).mapValues(
                Value.string)
            env.merge(context.matrixVariables) { $1 }
            if case .map(let own)? = given { env.merge(own) { $1 } }
            return .map(env)
        }
        switch spec.action {
        case .uses(let name):
            guard let implementation = engine.registry.step(named: name) else {
                throw StepError.failed(
                    "uses: \(name): no such step in this flowrun (known: \(engine.registry.names.sorted().joined(separator: ", ")))")
            }
            guard name == CommandStep.name else {
                return (implementation, try Expressions.resolve(.map(spec.with), in: context).mapValue ?? [:])
            }
            // `uses: command` is `run:` spelled out: a string command is a shell script too.
            var with = spec.with
            let script = with["command"]?.stringValue
            if script != nil { with["command"] = nil }
            var parameters = try Expressions.resolve(.map(with), in: context).mapValue ?? [:]
            if let script { parameters["command"] = .string(try Expressions.resolveShell(script, in: context)) }
            parameters["env"] = environment(parameters["env"])
            return (implementation, parameters)
        case .run(let command):
            var parameters: [String: Value] = [:]
            switch command {
            case .shell(let script): parameters["command"] = .string(try Expressions.resolveShell(script, in: context))
            case .argv(let args): parameters["command"] = try Expressions.resolve(.list(args.map(Value.string)), in: context)
            }
            parameters["env"] = environment(try Expressions.resolve(.map(spec.env.mapValues(Value.string)), in: context))
            if let directory = spec.workingDirectory {
                parameters["working_directory"] = try Expressions.resolve(.string(directory), in: context)
            }
            return (engine.registry.step(named: CommandStep.name) ?? CommandStep(), parameters)
        }
    }
}

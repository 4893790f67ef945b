import Store

extension Engine {
    /// Stores a failing attempt's error excerpt. A write that fails is a warning in the attempt's
    /// log, never a change of its outcome: the failure itself is completed either way.
    func recordExcerpt(_ excerpt: String, of key: StepAttemptKey, worker: String, log: LogFile) async {
        do {
            if try await store.recordAttemptExcerpt(key, worker: worker, excerpt: excerpt) == false {
                log.write("warning: cannot record the error excerpt: the store has no attempt \(key.attempt) by \(worker)", at: clock.now())
            }
        } catch {
            log.write("warning: cannot record the error excerpt: \(ErrorText.of(error))", at: clock.now())
        }
    }
}

import Foundation

/// `transform` of each element, on all cores; results in order.
func parallelMap<T: Sendable, R>(_ items: [T], _ transform: @Sendable (T) -> R) -> [R] {
    guard items.count > 1 else { return items.map(transform) }
    let out = UnsafeMutablePointer<R?>.allocate(capacity: items.count)
    out.initialize(repeating: nil, count: items.count)
    defer {
        out.deinitialize(count: items.count)
        out.deallocate()
    }
    let slots = SendablePointer(out)
    DispatchQueue.concurrentPerform(iterations: items.count) { i in slots.pointer[i] = transform(items[i]) }
    return (0..<items.count).map { out[$0]! }
}

/// Each slot is written by one thread and read after all have finished.
private struct SendablePointer<R>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<R?>
    init(_ pointer: UnsafeMutablePointer<R?>) { self.pointer = pointer }
}

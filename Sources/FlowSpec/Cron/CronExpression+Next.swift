import Foundation

extension CronExpression {
    /// The first tick strictly after `date`, in `zone`'s local time; nil when none comes within
    /// eight years (an expression like `0 0 30 2 *` never fires).
    ///
    /// Daylight saving time, as cron users expect:
    /// - a local time that does not exist (the hour skipped in spring) runs once, at the instant the
    ///   clock jumps (02:30 in Europe/Berlin on the last Sunday of March runs at 03:00 CEST); several
    ///   such times collapse into that one run;
    /// - a local time that happens twice (the hour repeated in autumn) runs once, at its first
    ///   occurrence.
    public func nextTick(after date: Date, in zone: TimeZone) -> Date? {
        let after = Int64(floor(date.timeIntervalSince1970))
        // Local wall-clock seconds, as if the zone were UTC.
        let wallAfter = after + Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(after))))
        var day = Self.floorDiv(wallAfter, 86_400)
        let lastDay = day + 366 * 8 + 2
        let sortedHours = hours.sorted()
        let sortedMinutes = minutes.sorted()
        while day <= lastDay {
            let (_, m, d) = Self.civil(fromDays: day)
            let weekday = Int(Self.floorMod(day + 4, 7))  // 1970-01-01 was a Thursday
            if matchesDay(month: m, day: d, weekday: weekday) {
                for h in sortedHours {
                    // A whole hour at or before `after`'s wall time cannot hold the answer.
                    guard day * 86_400 + Int64(h * 3600 + 3540) > wallAfter else { continue }
                    for mi in sortedMinutes {
                        let wall = day * 86_400 + Int64(h * 3600 + mi * 60)
                        // Wall time → instant never decreases, and `after`'s own wall time maps
                        // to `after` or earlier: only later wall times can be the next tick.
                        guard wall > wallAfter else { continue }
                        if let instant = Self.instant(ofWall: wall, in: zone), instant > after {
                            return Date(timeIntervalSince1970: TimeInterval(instant))
                        }
                    }
                }
            }
            day += 1
        }
        return nil
    }

    /// The ticks in `(start, end]`, oldest first, at most `limit`.
    public func ticks(after start: Date, through end: Date, in zone: TimeZone, limit: Int) -> [Date] {
        var out: [Date] = []
        var cursor = start
        while out.count < limit, let next = nextTick(after: cursor, in: zone), next <= end {
            out.append(next)
            cursor = next
        }
        return out
    }

    /// The newest tick in `(start, end)` — what `catchup: last` runs after a gap — found by looking
    /// back over growing windows from `end`, so a long gap does not cost every tick in it.
    public func newestTick(after start: Date, before end: Date, in zone: TimeZone) -> Date? {
        let last = end.addingTimeInterval(-0.001)
        let windows: [TimeInterval] = [3_600, 86_400, 32 * 86_400, 400 * 86_400, 9 * 366 * 86_400]
        for window in windows {
            let from = max(start, end.addingTimeInterval(-window))
            if let newest = ticks(after: from, through: last, in: zone, limit: Int.max).last { return newest }
            if from == start { return nil }
        }
        return nil
    }

    /// The UTC second a local wall time means: the earlier one when it happens twice; the instant
    /// the clock jumps when it does not happen at all.
    static func instant(ofWall wall: Int64, in zone: TimeZone) -> Int64? {
        // A zone's offset changes at most once in any 24 hours (true of the tz database).
        let before = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(wall - 86_400))))
        let later = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(wall + 86_400))))
        let valid = Set([before, later]).map { wall - $0 }.filter { candidate in
            Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(candidate)))) == wall - candidate
        }
        if let earliest = valid.min() { return earliest }
        // In the gap: find the transition between the two offsets by bisection (to the second).
        var low = wall - before - 86_400
        var high = wall - later + 86_400
        let offsetAtLow = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(low))))
        guard offsetAtLow != Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(high)))) else { return nil }
        while high - low > 1 {
            let mid = low + (high - low) / 2
            if Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(mid)))) == offsetAtLow {
                low = mid
            } else {
                high = mid
            }
        }
        return high
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { (a - floorMod(a, b)) / b }
    static func floorMod(_ a: Int64, _ b: Int64) -> Int64 { ((a % b) + b) % b }

    /// Year, month, day of a day number counted from 1970-01-01 (proleptic Gregorian;
    /// Howard Hinnant's `civil_from_days`).
    static func civil(fromDays days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return (Int(y), Int(m), Int(d))
    }
}

import FlowSpec
import Foundation
import Testing

/// The next tick: month ends, leap years, cron's day OR rule, and daylight saving time in
/// Europe/Berlin (spring's missing hour runs once at the jump, autumn's repeated hour once).
@Suite struct CronNextTickTests {
    static let utc = TimeZone(identifier: "UTC")!
    static let berlin = TimeZone(identifier: "Europe/Berlin")!

    /// `2026-03-29T01:59:00Z` → Date.
    static func at(_ text: String) -> Date {
        let f = ISO8601DateFormatter()
        return f.date(from: text)!
    }

    static func next(_ cron: String, after: String, in zone: TimeZone = utc) throws -> String? {
        try CronExpression(cron).nextTick(after: at(after), in: zone).map { ISO8601DateFormatter().string(from: $0) }
    }

    @Test func everyMinuteIsStrictlyAfter() throws {
        #expect(try Self.next("* * * * *", after: "2026-11-26T10:00:00Z") == "2026-11-26T10:01:00Z")
        #expect(try Self.next("* * * * *", after: "2026-11-26T10:00:30Z") == "2026-11-26T10:01:00Z")
    }

    @Test func dailyAtTwoInBerlin() throws {
        // Winter: CET = UTC+1.
        #expect(try Self.next("0 2 * * *", after: "2026-11-26T10:00:00Z", in: Self.berlin) == "2026-11-27T01:00:00Z")
        // Summer: CEST = UTC+2.
        #expect(try Self.next("0 2 * * *", after: "2026-07-01T10:00:00Z", in: Self.berlin) == "2026-07-02T00:00:00Z")
    }

    @Test func monthEnds() throws {
        #expect(try Self.next("0 0 31 * *", after: "2026-04-01T00:00:00Z") == "2026-05-31T00:00:00Z")
        #expect(try Self.next("0 0 30 * *", after: "2026-02-01T00:00:00Z") == "2026-03-30T00:00:00Z")
        #expect(try Self.next("0 0 1 * *", after: "2026-12-31T23:59:00Z") == "2027-01-01T00:00:00Z")
    }

    @Test func leapYears() throws {
        #expect(try Self.next("0 0 29 2 *", after: "2026-03-01T00:00:00Z") == "2028-02-29T00:00:00Z")
        // 2100 is not a leap year: the next 29 February after 2096's is 2104's.
        #expect(try Self.next("0 0 29 2 *", after: "2096-03-01T00:00:00Z") == "2104-02-29T00:00:00Z")
    }

    @Test func dayOfMonthOrDayOfWeek() throws {
        // Both restricted: the 13th OR a Friday. 2026-11-26 is a Thursday; Friday the 27th comes first.
        #expect(try Self.next("0 0 13 * 5", after: "2026-11-26T00:00:00Z") == "2026-11-27T00:00:00Z")
        // From Saturday 28th the next is the 4 December (Friday), then the 11th (Friday), the 13th (Sunday).
        #expect(try Self.next("0 0 13 * 5", after: "2026-12-11T00:00:00Z") == "2026-12-13T00:00:00Z")
        // Day of week unrestricted (`*`): only the 13th.
        #expect(try Self.next("0 0 13 * *", after: "2026-11-26T00:00:00Z") == "2026-12-13T00:00:00Z")
        // A `*/2` day of month counts as unrestricted, as in Vixie cron: odd days AND Mondays.
        #expect(try Self.next("0 0 */2 * mon", after: "2026-11-26T00:00:00Z") == "2026-12-07T00:00:00Z")
    }

    @Test func springForwardRunsOnceAtTheJump() throws {
        // 2026-03-29: Berlin's clocks go from 02:00 CET to 03:00 CEST (01:00 UTC). 02:30 does not exist.
        #expect(try Self.next("30 2 * * *", after: "2026-03-28T12:00:00Z", in: Self.berlin) == "2026-03-29T01:00:00Z")
        // The next day it is 02:30 CEST again.
        #expect(try Self.next("30 2 * * *", after: "2026-03-29T01:00:00Z", in: Self.berlin) == "2026-03-30T00:30:00Z")
        // Every 15 minutes: 01:45 CET, then the four missing times collapse into 03:00 CEST, then 03:15.
        let cron = try CronExpression("*/15 * * * *")
        let ticks = cron.ticks(after: Self.at("2026-03-29T00:30:00Z"), through: Self.at("2026-03-29T01:30:00Z"), in: Self.berlin, limit: 10)
        #expect(
            ticks.map { ISO8601DateFormatter().string(from: $0) }
                == ["2026-03-29T00:45:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:15:00Z", "2026-03-29T01:30:00Z"])
    }

    @Test func autumnsRepeatedHourRunsOnce() throws {
        // 2026-10-25: 03:00 CEST becomes 02:00 CET (01:00 UTC); 02:30 happens at 00:30 and 01:30 UTC.
        #expect(try Self.next("30 2 * * *", after: "2026-10-24T12:00:00Z", in: Self.berlin) == "2026-10-25T00:30:00Z")
        #expect(try Self.next("30 2 * * *", after: "2026-10-25T00:30:00Z", in: Self.berlin) == "2026-10-26T01:30:00Z")
        // Hourly: 02:00 CEST (00:00Z) and 03:00 CET (02:00Z); the repeated 02:00 (01:00Z) does not run again.
        let hourly = try CronExpression("0 * * * *")
        let ticks = hourly.ticks(
            after: Self.at("2026-10-24T23:30:00Z"), through: Self.at("2026-10-25T02:30:00Z"), in: Self.berlin, limit: 10)
        #expect(
            ticks.map { ISO8601DateFormatter().string(from: $0) }
                == ["2026-10-25T00:00:00Z", "2026-10-25T02:00:00Z"])
    }

    @Test func ticksBetween() throws {
        let cron = try CronExpression("0 */6 * * *")
        let ticks = cron.ticks(after: Self.at("2026-11-26T00:00:00Z"), through: Self.at("2026-11-27T00:00:00Z"), in: Self.utc, limit: 100)
        #expect(ticks.count == 4)
        #expect(
            cron.ticks(after: Self.at("2026-11-26T00:00:00Z"), through: Self.at("2026-11-27T00:00:00Z"), in: Self.utc, limit: 2).count == 2)
    }

    @Test func newestTickLooksBackOverLongGaps() throws {
        let minute = try CronExpression("* * * * *")
        // A year of minute ticks: the newest strictly before the end, without walking them all.
        #expect(
            minute.newestTick(after: Self.at("2025-11-26T00:00:00Z"), before: Self.at("2026-11-26T10:00:00Z"), in: Self.utc)
                == Self.at("2026-11-26T09:59:00Z"))
        let yearly = try CronExpression("@yearly")
        #expect(
            yearly.newestTick(after: Self.at("2020-06-01T00:00:00Z"), before: Self.at("2026-11-26T10:00:00Z"), in: Self.utc)
                == Self.at("2026-01-01T00:00:00Z"))
        // None in the range.
        #expect(yearly.newestTick(after: Self.at("2026-01-01T00:00:00Z"), before: Self.at("2026-11-26T10:00:00Z"), in: Self.utc) == nil)
    }

    @Test func namedDaysAndMonths() throws {
        // First Monday in January 2027 at 09:15: 4 January.
        #expect(try Self.next("15 9 * jan mon", after: "2026-11-26T00:00:00Z") == "2027-01-04T09:15:00Z")
    }
}

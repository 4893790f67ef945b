import FlowSpec
import Foundation
import Testing

/// The cron parser: every field form, names, macros, and errors that name the field.
@Suite struct CronExpressionTests {
    @Test func everyFieldForm() throws {
        let c = try CronExpression("0,30 */6 1-10/3 jan-mar,DEC mon-fri")
        #expect(c.minutes == [0, 30])
        #expect(c.hours == [0, 6, 12, 18])
        #expect(c.daysOfMonth == [1, 4, 7, 10])
        #expect(c.months == [1, 2, 3, 12])
        #expect(c.daysOfWeek == [1, 2, 3, 4, 5])
        #expect(c.dayOfMonthRestricted && c.dayOfWeekRestricted)
    }

    @Test func stepFromASingleValueRunsToTheEnd() throws {
        #expect(try CronExpression("5/20 * * * *").minutes == [5, 25, 45])
    }

    @Test func sundayIsZeroAndSeven() throws {
        #expect(try CronExpression("0 0 * * 7").daysOfWeek == [0])
        #expect(try CronExpression("0 0 * * 5-7").daysOfWeek == [5, 6, 0])
        #expect(try CronExpression("0 0 * * *").daysOfWeek == Set(0...6))
    }

    @Test func macros() throws {
        #expect(try CronExpression("@daily") == CronExpression("@daily"))
        let daily = try CronExpression("@daily")
        #expect(daily.minutes == [0] && daily.hours == [0] && daily.daysOfMonth == Set(1...31))
        #expect(try CronExpression("@hourly").hours == Set(0...23))
        #expect(try CronExpression("@weekly").daysOfWeek == [0])
        #expect(try CronExpression("@monthly").daysOfMonth == [1])
        #expect(try CronExpression("@yearly").months == [1])
        #expect(try CronExpression("@midnight").hours == [0])
    }

    @Test(arguments: [
        ("61 * * * *", "minute 61 out of range 0–59"),
        ("* 24 * * *", "hour 24 out of range 0–23"),
        ("* * 0 * *", "day-of-month 0 out of range 1–31"),
        ("* * * 13 *", "month 13 out of range 1–12"),
        ("* * * * 8", "day-of-week 8 out of range 0–7"),
        ("* * * *", "expected 5 fields (minute hour day-of-month month day-of-week), got 4"),
        ("*/0 * * * *", "minute step '0' in '*/0': expected a whole number ≥ 1"),
        ("10-5 * * * *", "minute range '10-5' runs backwards (10 > 5)"),
        ("0 0 31 4 *", "day-of-month 31 never occurs in month 4"),
        ("0 0 30 2 *", "day-of-month 30 never occurs in month 2"),
        ("1,,2 * * * *", "minute '1,,2': empty list item"),
    ])
    func errorsNameTheField(_ text: String, _ message: String) {
        #expect(throws: CronError(message)) { try CronExpression(text) }
    }

    @Test func namesAreSuggested() {
        #expect(throws: CronError.self) { try CronExpression("0 0 * * mnd") }
        do { _ = try CronExpression("@dialy") } catch { #expect(error.message.contains("did you mean '@daily'")) }
        do { _ = try CronExpression("0 0 * jnu *") } catch { #expect(error.message.contains("month 'jnu'")) }
    }
}

import Foundation

/// Run ids that sort by creation time and read well: `20261125-031502-7f3a9c01`.
enum RunID {
    static func make(at date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let stamp = String(format: "%04d%02d%02d-%02d%02d%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
        return stamp + "-" + String(format: "%08x", UInt32.random(in: 0...UInt32.max))
    }
}

import HTTPTypes

extension HTTPField.Name {
    static let lastEventID = HTTPField.Name("Last-Event-ID")!
    static let contentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    static let accelBuffering = HTTPField.Name("X-Accel-Buffering")!
    static let csrfToken = HTTPField.Name("X-CSRF-Token")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!
    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!
    static let requestID = HTTPField.Name("X-Request-Id")!
}

/// What happened to a run that a notification is about.
public enum NotifyEvent: String, Sendable, Codable, CaseIterable {
    case failed, succeeded, canceled
    /// The run (or one of its steps) is still going past its `sla:`; sent while it runs, once.
    case slaMissed = "sla_missed"
}

/// One `notify:` entry: the events it listens to and where it sends them (a webhook, a command, or
/// both). Stored with each run as JSON (the keys as the YAML spells them), so a delivery uses the rules
/// the run was submitted with, whichever process delivers it.
public struct NotifyRule: Sendable, Equatable, Codable {
    public var on: [NotifyEvent]
    public var webhook: WebhookTarget?
    /// `run:` — a shell command (`/bin/sh -c`) that reads the notification's JSON on stdin.
    public var run: String?

    public init(on: [NotifyEvent], webhook: WebhookTarget? = nil, run: String? = nil) {
        self.on = on
        self.webhook = webhook
        self.run = run
    }
}

/// An HTTP endpoint that receives a notification as a POST.
public struct WebhookTarget: Sendable, Equatable, Codable {
    /// The body's shape: flowrun's own JSON, or what Slack's and Teams' incoming webhooks accept.
    public enum Format: String, Sendable, Codable, CaseIterable {
        case json, slack, teams
    }

    public var url: String
    /// The environment variable (of the delivering process) holding the HMAC-SHA256 key.
    public var secretEnv: String?
    public var format: Format

    public init(url: String, secretEnv: String? = nil, format: Format = .json) {
        self.url = url
        self.secretEnv = secretEnv
        self.format = format
    }

    enum CodingKeys: String, CodingKey {
        case url, format
        case secretEnv = "secret_env"
    }
}

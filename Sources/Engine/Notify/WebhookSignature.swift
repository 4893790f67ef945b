import Crypto
import Foundation

/// `X-Flowrun-Signature: sha256=<hex>`: HMAC-SHA256 of the exact body bytes with the secret, so a
/// receiver recomputes it over what it read before parsing.
public enum WebhookSignature {
    public static let header = "X-Flowrun-Signature"

    public static func sign(_ body: Data, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }
}

/// The version callhook reports (`callhook version`, User-Agent).
public enum CallhookVersion {
    public static let current = "0.1.0"
}

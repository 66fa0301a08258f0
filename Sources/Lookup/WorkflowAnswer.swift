/// The answer to a business workflow request (peoplefone CONNECTOR, part 2):
/// `{"id": "…", "url": "…"}`, where the whole answer and each field are
/// optional. `id` is sent as `inputs.id` in the call's next workflow
/// request to the same target; `url` opens the object the workflow made.
public struct WorkflowAnswer: Sendable, Equatable {
    public var id: String?
    public var url: String?

    public init(id: String? = nil, url: String? = nil) {
        self.id = id
        self.url = url
    }

    /// Reads an answer body. An empty body, a body that is not a JSON
    /// object, and fields that are absent, null, empty or not scalars all
    /// read as "no value" — the answer is optional, so it never fails the
    /// workflow. Field names in any case (`Id`, `id`); numeric ids become text.
    public init(body: [UInt8]) {
        guard body.count <= Contact.maxAnswerBytes, let value = try? JSONValue.parse(body),
            case .object = value
        else { return }
        id = value.member("id")?.scalarText.flatMap { $0.isEmpty ? nil : $0 }
        url = value.member("url")?.scalarText.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// True when neither field has a value.
    public var isEmpty: Bool { id == nil && url == nil }
}

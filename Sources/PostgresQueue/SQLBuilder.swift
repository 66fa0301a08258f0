import PostgresNIO

/// Parameters collected while a statement's text is built: `bind` returns
/// the placeholder (`$n`) of the value it appends.
struct SQLBuilder {
    private var binds = PostgresBindings()
    private var count = 0

    mutating func bind<T: PostgresThrowingDynamicTypeEncodable>(_ value: T?) -> String {
        count += 1
        // Encoding the types used here (text, integers, booleans, doubles,
        // bytes) cannot fail.
        do { try binds.append(value) } catch { binds.appendNull() }
        return "$\(count)"
    }

    func query(_ sql: String) -> PostgresQuery { PostgresQuery(unsafeSQL: sql, binds: binds) }
}

extension RuleLoader {
    /// The bounds of numeric rule values (docs/rules.md, "Limits"). A value
    /// outside is a `check` error, so a reload with it keeps the old rules;
    /// inside, no sum or product the engine or dispatcher forms can overflow.
    enum Limits {
        static let concurrency = 1...1000
        static let attempts = 1...10_000
        static let factor: ClosedRange<Double> = 1...100
        static let extensionDigits = 1...15
        static let listEntries = 1_000_000
        /// Invalid entries of a list file reported one by one; the rest are counted.
        static let listProblems = 100
        static let listTooLong = "has more than 1000000 entries (the limit of a list)"
    }
}

import Foundation
import XCTest
@testable import Tls

/// The README's option table is the option table of Options.swift.
final class ReadmeOptionsTests: XCTestCase {
    func testReadmeListsEveryOptionInTableOrder() throws {
        let readme = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let rows = text.split(separator: "\n").map(String.init).filter { $0.hasPrefix("| `-") }
        let expected = TlsOptions.table.map { "| `\($0.name) \($0.argument)` | \($0.summary) |" }
        XCTAssertEqual(rows, expected, "README option table differs from TlsOptions.table")
    }
}

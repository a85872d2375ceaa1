import Foundation

/// Every match's first capture group of a regular expression, in order: what tests read out of
/// generated HTML and SVG.
public func captures(_ pattern: String, in text: String) -> [String] {
    let re = try! NSRegularExpression(pattern: pattern)
    return re.matches(in: text, range: NSRange(text.startIndex..., in: text)).map {
        String(text[Range($0.range(at: 1), in: text)!])
    }
}

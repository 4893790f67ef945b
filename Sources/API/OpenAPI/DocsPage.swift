enum DocsPage { static let html = "" }

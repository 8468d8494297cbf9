"""Document parsing: born-digital PDFs, scanned PDFs and images into pages, lines, words and layout elements."""

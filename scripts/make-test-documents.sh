#!/usr/bin/env bash
# Remakes the committed test documents in crates/hearth-core/tests/documents with the tools
# that make such files in real life. Needs: libreoffice-writer-nogui qpdf img2pdf
# distro-info-data base-passwd python3-pip (for a PNG to wrap as a "scanned" PDF).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../crates/hearth-core/tests/documents"
soffice --headless --convert-to docx:"MS Word 2007 XML" source/handbook.html --outdir .
soffice --headless --convert-to odt:writer8 source/handbook.html --outdir .
soffice --headless --convert-to pdf handbook.odt --outdir .
qpdf --encrypt secret owner 256 -- handbook.pdf encrypted.pdf
img2pdf /usr/share/doc/python3-pip/html/topics/deps.png -o scanned.pdf
cp /usr/share/doc/base-passwd/users-and-groups.html /usr/share/distro-info/debian.csv .

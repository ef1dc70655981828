#!/usr/bin/env bash
# Remakes the committed test documents in crates/hearth-core/tests/documents (and the
# benchmark's PDF in crates/hearth-core/benches/documents) with the tools
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

# The benchmark's 100-page PDF: Debian's licence texts, converted by LibreOffice, cut to 100 pages.
cd ../../benches/documents
licenses=/usr/share/common-licenses
cat "$licenses"/{GPL-3,GPL-2,Apache-2.0,LGPL-2.1,MPL-2.0,GFDL-1.3,Artistic,CC0-1.0,MPL-1.1,LGPL-3} \
  "$licenses"/{GFDL-1.2,GPL-1,LGPL-2,BSD,GPL-3,GPL-2,Apache-2.0,MPL-2.0,LGPL-3} > licenses.txt
soffice --headless --convert-to pdf licenses.txt --outdir .
qpdf --empty --pages licenses.pdf 1-100 -- licenses-100.pdf
rm licenses.txt licenses.pdf

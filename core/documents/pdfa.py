"""Approved minutes as PDF/A-3b: archival metadata that agrees with the Info dictionary, and the frozen content.

fpdf2's own compliance mode (`enforce_compliance`) refuses base-14 fonts, encryption and the like, and adds the
sRGB output intent and the catalog's /AF array. Its XMP cannot carry the portal's own properties (PDF/A wants an
extension schema for them) nor dc:language, so the XMP is written here; and it leaves out the Info dictionary,
which archives and viewers still read the title from, so `output` writes one, from the same values as the XMP.
The frozen content document is attached as `protokoll.json`, byte for byte what its SHA-256 (the minutes'
checksum) is computed over, so anyone can recompute the checksum from the PDF alone.
"""
import re
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from fpdf import FPDF
from fpdf.output import OutputProducer

COMPLIANCE = "PDFA_3B"
ATTACHMENT = "protokoll.json"
ATTACHMENT_DESCRIPTION = "Protokollets innehåll som det justerades; dess SHA-256 är protokollets kontrollsumma"
SUBJECT = "Justerat protokoll från klinikens genomgång av verksamhet med joniserande strålning"
NAMESPACE = "urn:stralsakerhetsportalen:protokoll:1.0#"
PREFIX = "stralportal"
PROPERTY_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot carry


def utc(moment: datetime) -> datetime:
    """A moment in UTC, whole seconds (a stored naive moment is UTC); Info and XMP must name the same second."""
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.replace(microsecond=0)


def keywords(metadata: dict[str, str]) -> str:
    """The portal's properties as one line for Info /Keywords (and pdf:Keywords), "name=value; …"."""
    return "; ".join(f"{name}={value}" for name, value in metadata.items())


def archive(pdf: FPDF, *, content_json: bytes, created: datetime, metadata: dict[str, str]) -> None:
    """Make an FPDF opened with `enforce_compliance=COMPLIANCE` a PDF/A-3b that carries the stored content document."""
    for name, value in metadata.items():
        if not PROPERTY_NAME.fullmatch(name) or NOT_XML.search(value):
            raise ValueError(f"metadata {name!r}: a property name is [A-Za-z][A-Za-z0-9_]*, a value XML text")
    created = utc(created)
    pdf.set_creation_date(created)
    pdf.set_subject(SUBJECT)
    if metadata:
        pdf.set_keywords(keywords(metadata))
    pdf.embed_file(bytes=content_json, basename=ATTACHMENT, mime_type="application/json",
                   associated_file_relationship="Source", modification_date=created,
                   desc=ATTACHMENT_DESCRIPTION, compress=True)
    pdf.set_xmp_metadata(xmp(pdf, created, metadata))


class _WithInfo(OutputProducer):
    """fpdf2's writer, with the Info dictionary that its compliance mode leaves out.

    The mode's checks and additions (fonts, output intent) are done before the writer runs; while writing, it
    only decides whether to write Info and, without XMP of ours, to write its own XMP.
    """

    def bufferize(self) -> bytearray:
        """Write the file with the compliance mode switched off, which writes Info and nothing else differently."""
        compliance, self.fpdf._compliance = self.fpdf._compliance, None
        try:
            return super().bufferize()
        finally:
            self.fpdf._compliance = compliance


def output(pdf: FPDF) -> bytes:
    """Return the bytes of a PDF made archival by `archive`."""
    assert pdf.xmp_metadata, "archive() writes the XMP that the Info dictionary must agree with"
    return bytes(pdf.output(output_producer_class=_WithInfo))


def _alt(text: str) -> str:
    """An XMP language alternative with one default entry."""
    return f'<rdf:Alt><rdf:li xml:lang="x-default">{escape(text)}</rdf:li></rdf:Alt>'


def xmp(pdf: FPDF, created: datetime, metadata: dict[str, str]) -> str:
    """The XMP packet's body: PDF/A identification, Dublin Core, dates and producer as in Info, own properties."""
    when = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    fields = [
        "<pdfaid:part>3</pdfaid:part>", "<pdfaid:conformance>B</pdfaid:conformance>",
        "<dc:format>application/pdf</dc:format>",
        f"<dc:title>{_alt(pdf.title or '')}</dc:title>",
        f"<dc:description>{_alt(pdf.subject)}</dc:description>",
        f"<dc:language><rdf:Bag><rdf:li>{escape(pdf.lang)}</rdf:li></rdf:Bag></dc:language>",
        f"<xmp:CreatorTool>{escape(pdf.creator)}</xmp:CreatorTool>",
        f"<xmp:CreateDate>{when}</xmp:CreateDate>", f"<xmp:ModifyDate>{when}</xmp:ModifyDate>",
        f"<xmp:MetadataDate>{when}</xmp:MetadataDate>",
    ]
    if getattr(pdf, "producer", None):
        fields.append(f"<pdf:Producer>{escape(pdf.producer)}</pdf:Producer>")
    if metadata:
        fields.append(f"<pdf:Keywords>{escape(keywords(metadata))}</pdf:Keywords>")
    fields += [f"<{PREFIX}:{name}>{escape(value)}</{PREFIX}:{name}>" for name, value in metadata.items()]
    return "\n".join([
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
        '<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"'
        f' xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:{PREFIX}="{NAMESPACE}">',
        *fields, "</rdf:Description>", *(_extension_schema(metadata) if metadata else []), "</rdf:RDF>",
        "</x:xmpmeta>"])


def _extension_schema(metadata: dict[str, str]) -> list[str]:
    """Describe the portal's own properties, as PDF/A requires for every property outside its predefined schemas."""
    properties = "".join(
        '<rdf:li rdf:parseType="Resource">'
        f"<pdfaProperty:name>{name}</pdfaProperty:name><pdfaProperty:valueType>Text</pdfaProperty:valueType>"
        "<pdfaProperty:category>external</pdfaProperty:category>"
        f"<pdfaProperty:description>Strålsäkerhetsportalen: {name}</pdfaProperty:description></rdf:li>"
        for name in metadata)
    return [
        '<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"'
        ' xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"'
        ' xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">',
        '<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">',
        "<pdfaSchema:schema>Strålsäkerhetsportalens justerade protokoll</pdfaSchema:schema>",
        f"<pdfaSchema:namespaceURI>{NAMESPACE}</pdfaSchema:namespaceURI>",
        f"<pdfaSchema:prefix>{PREFIX}</pdfaSchema:prefix>",
        f"<pdfaSchema:property><rdf:Seq>{properties}</rdf:Seq></pdfaSchema:property>",
        "</rdf:li></rdf:Bag></pdfaExtension:schemas>", "</rdf:Description>"]

using System.Xml;
using Portal.Features.SignIn.Saml;

namespace Portal.Tests.SignIn.Saml;

/// <summary>One attack: a single change to the valid <see cref="ResponseScenario"/> and the reason it must produce.</summary>
public sealed record SamlAttack(string Name, Action<ResponseScenario> Mutate, string ExpectedReason)
{
    public override string ToString() => Name;
}

/// <summary>
/// The checklist's attack corpus as data, so the validator tests and the ACS endpoint tests (audit event, no
/// session cookie) run the very same cases. Apply <see cref="SamlAttack.Mutate"/> to a fresh scenario, then POST
/// <see cref="ResponseScenario.Build"/> with <see cref="ResponseScenario.RelayState"/>.
/// Note for endpoint tests: "replayed" needs the pending request to survive the first POST (or an unsolicited
/// response); once the ACS consumes the pending request, the second POST fails on InResponseTo before the replay cache.
/// </summary>
public static class SamlAttackCorpus
{
    private const string EvilHost = "https://evil.example.com";

    public static IReadOnlyList<SamlAttack> All { get; } =
    [
        // XML Signature Wrapping, SAML Raider's eight shapes.
        new("XSW1 evil Response, signed original inside its Signature", s => ResponseSigned(s).Tamper.Add(XswMutations.Xsw1), SamlReasons.SignatureWrapping),
        new("XSW2 evil Response, signed original as detached sibling", s => ResponseSigned(s).Tamper.Add(XswMutations.Xsw2), SamlReasons.SignatureWrapping),
        new("XSW3 unsigned evil Assertion before the signed one", s => s.Tamper.Add(XswMutations.Xsw3), SamlReasons.AssertionCount),
        new("XSW4 signed Assertion wrapped inside an evil one", s => s.Tamper.Add(XswMutations.Xsw4), SamlReasons.SignatureWrapping),
        new("XSW5 evil Assertion keeps signature, original appended", s => s.Tamper.Add(XswMutations.Xsw5), SamlReasons.IdDuplicate),
        new("XSW6 evil Assertion keeps signature, original inside it", s => s.Tamper.Add(XswMutations.Xsw6), SamlReasons.IdDuplicate),
        new("XSW7 signed original moved into Extensions", s => s.Tamper.Add(XswMutations.Xsw7), SamlReasons.SignatureWrapping),
        new("XSW8 original inside ds:Object of the evil Assertion's signature", s => s.Tamper.Add(XswMutations.Xsw8), SamlReasons.IdDuplicate),

        // Signatures and keys.
        new("signature stripped", s => s.Tamper.Add(d => RemoveAll(d, "Signature", SamlNames.DSig)), SamlReasons.SignatureMissing),
        new("never signed at all", s => s.SignAssertion = false, SamlReasons.SignatureMissing),
        new("signed by a key not in metadata", s => { s.SigningCertificate = TestKeys.Attacker; s.EmbeddedCertificate = null; }, SamlReasons.SignatureInvalid),
        new("embedded certificate substituted", s => { s.SigningCertificate = TestKeys.Attacker; s.EmbeddedCertificate = TestKeys.Attacker; }, SamlReasons.SignatureCertificate),
        new("embedded certificate swapped, real signature kept", s => s.Tamper.Add(d => SetText(d, "X509Certificate", SamlNames.DSig, Convert.ToBase64String(TestKeys.Attacker.RawData))), SamlReasons.SignatureCertificate),
        new("content changed after signing", s => s.Tamper.Add(d => ResponseScenario.Find(d, "NameID").InnerText = "admin"), SamlReasons.SignatureInvalid),
        new("signed by another known IdP than the one asked", s => { s.SigningCertificate = TestKeys.OtherIdpSigning; s.EmbeddedCertificate = null; }, SamlReasons.SignatureInvalid),
        new("another IdP's response for a request sent to this one (CVE-2023-41890)", s => { s.SigningCertificate = TestKeys.OtherIdpSigning; s.EmbeddedCertificate = TestKeys.OtherIdpSigning; s.AssertionIssuer = ResponseScenario.OtherIdpEntityId; s.ResponseIssuer = ResponseScenario.OtherIdpEntityId; }, SamlReasons.SignatureCertificate),
        new("SHA-1 signature", s => { s.SignatureMethod = SamlNames.RsaSha1; s.DigestMethod = SamlNames.Sha1; }, SamlReasons.SignatureAlgorithm),
        new("SHA-1 digest under a SHA-256 signature", s => s.DigestMethod = SamlNames.Sha1, SamlReasons.SignatureAlgorithm),
        new("HMAC signature method", s => s.Tamper.Add(d => SetAlgorithm(d, "SignatureMethod", "http://www.w3.org/2000/09/xmldsig#hmac-sha1")), SamlReasons.SignatureAlgorithm),
        new("XSLT transform", s => s.Tamper.Add(AddXsltTransform), SamlReasons.SignatureTransform),
        new("XPath transform", s => s.Tamper.Add(d => SetAlgorithm(d, "Transform", "http://www.w3.org/TR/1999/REC-xpath-19991116")), SamlReasons.SignatureTransform),
        new("inclusive C14N", s => s.Tamper.Add(d => SetAlgorithm(d, "CanonicalizationMethod", "http://www.w3.org/TR/2001/REC-xml-c14n-20010315")), SamlReasons.SignatureTransform),
        new("transforms reordered", s => s.Tamper.Add(d => SwapTransforms(d)), SamlReasons.SignatureTransform),
        new("enveloped transform missing", s => s.Tamper.Add(d => RemoveFirstTransform(d)), SamlReasons.SignatureTransform),
        new("ds:Object smuggled into the signature", s => s.Tamper.Add(d => AddObject(d)), SamlReasons.SignatureReference),
        new("two References", s => s.Tamper.Add(DuplicateReference), SamlReasons.SignatureReference),
        new("Reference to another element", s => s.Tamper.Add(d => ((XmlElement)d.GetElementsByTagName("Reference", SamlNames.DSig)[0]!).SetAttribute("URI", "#" + s.ResponseIdValue)), SamlReasons.SignatureWrapping),

        // Parsing.
        new("comment in NameID", s => { s.NameIdFormat = SamlNames.PersistentNameId; s.Tamper.Add(d => InsertComment(ResponseScenario.Find(d, "NameID"), 5)); }, SamlReasons.TextComment),
        new("comment in eduPersonPrincipalName", s => s.Tamper.Add(d => InsertComment(AttributeValue(d, AttributeMapper.EduPersonPrincipalName), 5)), SamlReasons.TextComment),
        new("DOCTYPE with external entity (XXE)", s => s.TamperText.Add(x => "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>" + x), SamlReasons.Doctype),
        new("DOCTYPE billion laughs", s => s.TamperText.Add(x => "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>" + x), SamlReasons.Doctype),
        new("elements nested 20,000 deep (stack exhaustion)", s => s.TamperText.Add(x => DeepInAttributeValue(x, 20_000)), SamlReasons.Structure),
        new("oversized response", s => s.TamperText.Add(x => x + "<!--" + new string('x', 256 * 1024) + "-->"), SamlReasons.Size),
        new("malformed XML", s => s.TamperText.Add(_ => "<samlp:Response"), SamlReasons.Malformed),

        // IDs and structure.
        new("duplicate ID", s => s.Tamper.Add(d => AddExtensionWithId(d, s.AssertionIdValue)), SamlReasons.IdDuplicate),
        new("duplicate ID differing only in case", s => s.BeforeSigning.Add(d => AddExtensionWithId(d, s.AssertionIdValue.ToUpperInvariant())), SamlReasons.IdDuplicate),
        new("ID attribute spelt Id", s => s.Tamper.Add(RenameAssertionIdAttribute), SamlReasons.SignatureWrapping),
        new("Response ID is not an NCName", s => s.BeforeSigning.Add(d => d.DocumentElement!.SetAttribute("ID", "1-starts-with-a-digit")), SamlReasons.IdInvalid),
        new("two assertions", s => s.Tamper.Add(AddSecondAssertion), SamlReasons.AssertionCount),
        new("no assertion", s => s.Tamper.Add(d => RemoveAll(d, "Assertion", SamlNames.Assertion)), SamlReasons.AssertionCount),
        new("unexpected element in Response", s => s.Tamper.Add(d => d.DocumentElement!.AppendChild(d.CreateElement("x", "Smuggled", "urn:x"))), SamlReasons.Structure),

        // Content.
        new("assertion for another audience", s => s.Audience = "https://other-sp.example.org/shibboleth", SamlReasons.Audience),
        new("expired", s => s.NotOnOrAfter = ResponseScenario.Now.AddMinutes(-10), SamlReasons.Expired),
        new("not yet valid", s => s.NotBefore = ResponseScenario.Now.AddMinutes(10), SamlReasons.NotYetValid),
        new("subject confirmation expired", s => s.ConfirmationNotOnOrAfter = ResponseScenario.Now.AddMinutes(-10), SamlReasons.ConfirmationExpired),
        new("replayed", s => s.SubmitTwice = true, SamlReasons.Replay),
        new("wrong Destination", s => s.Destination = EvilHost + "/saml/acs", SamlReasons.Destination),
        new("signed Response without Destination", s => { ResponseSigned(s); s.Destination = null; }, SamlReasons.Destination),
        new("wrong Recipient", s => s.Recipient = EvilHost + "/saml/acs", SamlReasons.Recipient),
        new("unknown InResponseTo", s => s.Pending = s.Pending! with { Id = "_someone-elses-request" }, SamlReasons.InResponseTo),
        new("InResponseTo without any pending request", s => s.Pending = null, SamlReasons.InResponseTo),
        new("subject confirmation answers another request", s => s.BeforeSigning.Add(d => ResponseScenario.Find(d, "SubjectConfirmationData").SetAttribute("InResponseTo", "_other")), SamlReasons.ConfirmationInResponseTo),
        new("stale pending request", s => s.Pending = s.Pending! with { CreatedAt = ResponseScenario.Now.AddHours(-1) }, SamlReasons.RequestExpired),
        new("unsolicited (IdP-initiated) refused", s => s.Unsolicited(), SamlReasons.Unsolicited),
        new("open-redirect RelayState on unsolicited response", s => { s.Unsolicited(); s.AllowIdpInitiated = true; s.RelayState = "//evil.example.com/phish"; }, SamlReasons.RelayState),
        new("assertion Issuer is another IdP", s => s.AssertionIssuer = ResponseScenario.OtherIdpEntityId, SamlReasons.Issuer),
        new("Response Issuer is another IdP", s => s.ResponseIssuer = ResponseScenario.OtherIdpEntityId, SamlReasons.Issuer),
        new("status not success", s => { s.StatusCode = "urn:oasis:names:tc:SAML:2.0:status:Requester"; s.SignAssertion = false; s.Tamper.Add(d => RemoveAll(d, "Assertion", SamlNames.Assertion)); }, SamlReasons.Status),
        new("no bearer confirmation", s => s.BeforeSigning.Add(d => ResponseScenario.Find(d, "SubjectConfirmation").SetAttribute("Method", "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key")), SamlReasons.SubjectConfirmation),
        new("unknown condition", s => s.BeforeSigning.Add(d => ResponseScenario.Find(d, "Conditions").AppendChild(d.CreateElement("x", "Unheard", "urn:x"))), SamlReasons.ConditionUnknown),
        new("no identifier released", s => { s.NameIdFormat = SamlNames.TransientNameId; s.Attributes.RemoveAll(a => a.Name is AttributeMapper.SubjectId or AttributeMapper.EduPersonPrincipalName); }, SamlReasons.IdentifierMissing),

        // Encrypted assertions.
        new("AES-GCM tag bit flipped", s => EncryptedSignedInside(s, AssertionEncryption.Aes256Gcm).Tamper.Add(d => TestXmlSecurity.FlipCipherBit(d, -1)), SamlReasons.Decryption),
        new("AES-GCM ciphertext bit flipped", s => EncryptedSignedInside(s, AssertionEncryption.Aes128Gcm).Tamper.Add(d => TestXmlSecurity.FlipCipherBit(d, 40)), SamlReasons.Decryption),
        new("AES-CBC ciphertext bit flipped", s => EncryptedSignedInside(s, AssertionEncryption.Aes256Cbc).Tamper.Add(d => TestXmlSecurity.FlipCipherBit(d, 16)), SamlReasons.Decryption),
        new("AES-CBC last block bit flipped", s => EncryptedSignedInside(s, AssertionEncryption.Aes256Cbc).Tamper.Add(d => TestXmlSecurity.FlipCipherBit(d, -17)), SamlReasons.Decryption),
        new("encrypted for another SP's key", s => EncryptedSignedInside(s, AssertionEncryption.Aes256Gcm).EncryptFor = TestKeys.UnrelatedEncryption, SamlReasons.Decryption),
        new("encrypted and signed outside, ciphertext flipped", s => { s.Encryption = AssertionEncryption.Aes256Gcm; s.SignAssertion = false; s.SignResponse = true; s.Tamper.Add(d => TestXmlSecurity.FlipCipherBit(d, 40)); }, SamlReasons.SignatureInvalid),
        new("encrypted, unsigned inside and outside", s => { s.Encryption = AssertionEncryption.Aes256Gcm; s.SignAssertion = false; }, SamlReasons.SignatureMissing),
        new("encrypted with RSA PKCS#1 v1.5 key transport", s => EncryptedSignedInside(s, AssertionEncryption.Aes256Cbc).Tamper.Add(d => SetAlgorithm(d, "EncryptionMethod", "http://www.w3.org/2001/04/xmlenc#rsa-1_5", SamlNames.XEnc, last: true)), SamlReasons.EncryptionAlgorithm),
        new("encrypted assertion with wrapped signature inside", s => { EncryptedSignedInside(s, AssertionEncryption.Aes256Gcm); s.AfterAssertionSigned.Add(d => { var a = ResponseScenario.Assertion(d); var c = (XmlElement)a.CloneNode(true); c.SetAttribute("ID", "_inner"); a.AppendChild(c); }); }, SamlReasons.SignatureWrapping),
    ];

    private static ResponseScenario ResponseSigned(ResponseScenario s)
    {
        s.SignAssertion = false;
        s.SignResponse = true;
        return s;
    }

    // The common Shibboleth shape: assertion signed, then encrypted; the Response itself unsigned.
    private static ResponseScenario EncryptedSignedInside(ResponseScenario s, AssertionEncryption kind)
    {
        s.Encryption = kind;
        return s;
    }

    private static void RemoveAll(XmlDocument document, string localName, string ns)
    {
        foreach (var element in document.GetElementsByTagName(localName, ns).OfType<XmlElement>().ToList())
        {
            element.ParentNode?.RemoveChild(element);
        }
    }

    private static void SetText(XmlDocument document, string localName, string ns, string text) =>
        ((XmlElement)document.GetElementsByTagName(localName, ns)[0]!).InnerText = text;

    private static void SetAlgorithm(XmlDocument document, string localName, string algorithm, string ns = SamlNames.DSig, bool last = false)
    {
        var elements = document.GetElementsByTagName(localName, ns);
        ((XmlElement)elements[last ? elements.Count - 1 : 0]!).SetAttribute("Algorithm", algorithm);
    }

    private static void AddXsltTransform(XmlDocument document)
    {
        var transforms = (XmlElement)document.GetElementsByTagName("Transforms", SamlNames.DSig)[0]!;
        var transform = document.CreateElement("ds", "Transform", SamlNames.DSig);
        transform.SetAttribute("Algorithm", "http://www.w3.org/TR/1999/REC-xslt-19991116");
        var stylesheet = document.CreateElement("xsl", "stylesheet", "http://www.w3.org/1999/XSL/Transform");
        stylesheet.SetAttribute("version", "1.0");
        transform.AppendChild(stylesheet);
        transforms.AppendChild(transform);
    }

    // Inside an attribute value, where only canonicalization (not the structure checks) would walk it.
    internal static string DeepInAttributeValue(string xml, int depth)
    {
        var at = xml.IndexOf("</saml:AttributeValue>", StringComparison.Ordinal);
        return xml[..at] + string.Concat(Enumerable.Repeat("<a>", depth)) + string.Concat(Enumerable.Repeat("</a>", depth)) + xml[at..];
    }

    private static void SwapTransforms(XmlDocument document)
    {
        var transforms = (XmlElement)document.GetElementsByTagName("Transforms", SamlNames.DSig)[0]!;
        transforms.AppendChild(transforms.FirstChild!);
    }

    private static void RemoveFirstTransform(XmlDocument document)
    {
        var transforms = (XmlElement)document.GetElementsByTagName("Transforms", SamlNames.DSig)[0]!;
        transforms.RemoveChild(transforms.FirstChild!);
    }

    private static void AddObject(XmlDocument document)
    {
        var signature = document.GetElementsByTagName("Signature", SamlNames.DSig)[0]!;
        var dsObject = document.CreateElement("ds", "Object", SamlNames.DSig);
        dsObject.InnerText = "smuggled";
        signature.AppendChild(dsObject);
    }

    private static void DuplicateReference(XmlDocument document)
    {
        var reference = (XmlElement)document.GetElementsByTagName("Reference", SamlNames.DSig)[0]!;
        reference.ParentNode!.AppendChild(reference.CloneNode(deep: true));
    }

    private static void InsertComment(XmlElement element, int at)
    {
        var text = element.InnerText;
        element.InnerText = "";
        element.AppendChild(element.OwnerDocument.CreateTextNode(text[..at]));
        element.AppendChild(element.OwnerDocument.CreateComment(""));
        element.AppendChild(element.OwnerDocument.CreateTextNode(text[at..]));
    }

    private static XmlElement AttributeValue(XmlDocument document, string attributeName) =>
        document.GetElementsByTagName("Attribute", SamlNames.Assertion).OfType<XmlElement>()
            .Single(a => a.GetAttribute("Name") == attributeName)
            .GetElementsByTagName("AttributeValue", SamlNames.Assertion).OfType<XmlElement>().First();

    private static void AddExtensionWithId(XmlDocument document, string id)
    {
        var extensions = document.CreateElement("samlp", "Extensions", SamlNames.Protocol);
        var holder = document.CreateElement("x", "Note", "urn:x");
        holder.SetAttribute("ID", id);
        extensions.AppendChild(holder);
        document.DocumentElement!.InsertBefore(extensions, ResponseScenario.Find(document, "Status"));
    }

    private static void RenameAssertionIdAttribute(XmlDocument document)
    {
        var assertion = ResponseScenario.Assertion(document);
        var id = assertion.GetAttribute("ID");
        assertion.RemoveAttribute("ID");
        assertion.SetAttribute("Id", id);
    }

    private static void AddSecondAssertion(XmlDocument document)
    {
        var assertion = ResponseScenario.Assertion(document);
        var second = (XmlElement)assertion.CloneNode(deep: true);
        second.SetAttribute("ID", "_second" + ResponseScenario.AssertionId[1..]);
        foreach (var signature in second.ChildNodes.OfType<XmlElement>().Where(e => e.LocalName == "Signature").ToList())
        {
            second.RemoveChild(signature);
        }
        assertion.ParentNode!.AppendChild(second);
    }
}

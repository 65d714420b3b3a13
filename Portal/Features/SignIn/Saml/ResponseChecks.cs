using System.Xml;

namespace Portal.Features.SignIn.Saml;

/// <summary>Checks on the samlp:Response envelope (everything outside the assertion).</summary>
internal static class ResponseChecks
{
    public static XmlElement RequireResponseRoot(XmlDocument document)
    {
        var root = document.DocumentElement;
        if (root is null || root.LocalName != "Response" || root.NamespaceURI != SamlNames.Protocol)
        {
            throw new SamlValidationException(SamlReasons.Structure, $"root element is <{root?.Name}>, not samlp:Response");
        }
        return root;
    }

    /// <summary>
    /// The schema's order (Issuer?, Signature?, Extensions?, Status, assertions*) and nothing else: an unexpected
    /// element is where wrapped or smuggled content would hide.
    /// </summary>
    public static void CheckStructure(XmlElement response)
    {
        if (response.GetAttribute("Version") != "2.0")
        {
            throw new SamlValidationException(SamlReasons.Structure, "Version is not 2.0");
        }
        const int assertionPosition = 4;
        var last = -1;
        foreach (XmlNode node in response.ChildNodes)
        {
            if (node is XmlText text && !string.IsNullOrWhiteSpace(text.Value))
            {
                throw new SamlValidationException(SamlReasons.Structure, "text directly inside Response");
            }
            if (node is not XmlElement element)
            {
                continue;
            }
            var index = element switch
            {
                { LocalName: "Issuer", NamespaceURI: SamlNames.Assertion } => 0,
                { LocalName: "Signature", NamespaceURI: SamlNames.DSig } => 1,
                { LocalName: "Extensions", NamespaceURI: SamlNames.Protocol } => 2,
                { LocalName: "Status", NamespaceURI: SamlNames.Protocol } => 3,
                { LocalName: "Assertion" or "EncryptedAssertion", NamespaceURI: SamlNames.Assertion } => assertionPosition,
                _ => throw new SamlValidationException(SamlReasons.Structure, $"unexpected <{element.Name}> in Response"),
            };
            // Assertions may repeat here so that their count gets its own, clearer reason below.
            if (index < last || (index == last && index != assertionPosition))
            {
                throw new SamlValidationException(SamlReasons.Structure, $"<{element.LocalName}> out of order or repeated");
            }
            last = index;
        }
        SafeXml.RequiredChild(response, SamlNames.Protocol, "Status");
    }

    /// <summary>Not Success: the IdP's codes and message go into the detail for the log and the user page.</summary>
    public static void CheckStatus(XmlElement response)
    {
        var status = SafeXml.RequiredChild(response, SamlNames.Protocol, "Status");
        var code = SafeXml.RequiredChild(status, SamlNames.Protocol, "StatusCode");
        var value = code.GetAttribute("Value");
        if (value == SamlNames.StatusSuccess)
        {
            return;
        }
        var second = SafeXml.Child(code, SamlNames.Protocol, "StatusCode")?.GetAttribute("Value");
        var message = SafeXml.Child(status, SamlNames.Protocol, "StatusMessage")?.InnerText;
        throw new SamlValidationException(SamlReasons.Status,
            string.Join(" ", new[] { value, second, message }.Where(s => !string.IsNullOrEmpty(s))));
    }

    /// <summary>Exactly one assertion, plain or encrypted, directly under Response, and no other anywhere.</summary>
    public static XmlElement SingleAssertion(XmlElement response)
    {
        var direct = SafeXml.ChildElements(response)
            .Where(e => e.NamespaceURI == SamlNames.Assertion && e.LocalName is "Assertion" or "EncryptedAssertion")
            .ToList();
        var everywhere = response.GetElementsByTagName("Assertion", SamlNames.Assertion).Count
            + response.GetElementsByTagName("EncryptedAssertion", SamlNames.Assertion).Count;
        if (direct.Count != 1 || everywhere != 1)
        {
            throw new SamlValidationException(SamlReasons.AssertionCount,
                $"{direct.Count} assertions under Response, {everywhere} in the document");
        }
        return direct[0];
    }

    /// <summary>Issuer, when present, names the expected IdP (the Assertion's Issuer is checked separately).</summary>
    public static void CheckIssuer(XmlElement element, IdentityProvider idp, bool required)
    {
        var issuer = SafeXml.Child(element, SamlNames.Assertion, "Issuer");
        if (issuer is null)
        {
            if (required)
            {
                throw new SamlValidationException(SamlReasons.Issuer, $"<{element.LocalName}> has no Issuer");
            }
            return;
        }
        var format = SafeXml.Attribute(issuer, "Format");
        if (format is not null && format != SamlNames.EntityNameId)
        {
            throw new SamlValidationException(SamlReasons.Issuer, $"Issuer format {format}");
        }
        var value = SafeXml.ReadText(issuer);
        if (!string.Equals(value, idp.EntityId, StringComparison.Ordinal))
        {
            throw new SamlValidationException(SamlReasons.Issuer, $"issued by \"{value}\", expected \"{idp.EntityId}\"");
        }
    }

    /// <summary>Destination equals the ACS URL when present, and must be present on a signed Response.</summary>
    public static void CheckDestination(XmlElement response, SamlServiceProviderOptions sp, bool responseSigned)
    {
        var destination = SafeXml.Attribute(response, "Destination");
        if (destination is null ? responseSigned : !string.Equals(destination, sp.AcsUrl, StringComparison.Ordinal))
        {
            throw new SamlValidationException(SamlReasons.Destination, $"Destination \"{destination}\"");
        }
    }

    /// <summary>The raw Issuer text, for choosing the IdP of an unsolicited response (verified afterwards).</summary>
    public static string? IssuerText(XmlElement element) =>
        SafeXml.Child(element, SamlNames.Assertion, "Issuer") is { } issuer ? SafeXml.ReadText(issuer) : null;
}

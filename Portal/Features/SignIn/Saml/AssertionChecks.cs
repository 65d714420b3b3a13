using System.Xml;

namespace Portal.Features.SignIn.Saml;

/// <summary>What the checks established about the assertion, and what the portal may read from it.</summary>
internal sealed record CheckedAssertion(
    string Id,
    DateTimeOffset RememberUntil,
    SamlNameId? NameId,
    IReadOnlyList<AttributeRelease> Attributes,
    string? SessionIndex,
    DateTimeOffset? AuthnInstant,
    DateTimeOffset? SessionNotOnOrAfter);

/// <summary>
/// Checks on the (verified) Assertion element and reads its data, walking only down from that element: never a
/// search of the whole document, so wrapped content elsewhere is never read.
/// </summary>
internal static class AssertionChecks
{
    /// <summary>The request this response must answer, or null for an accepted unsolicited response.</summary>
    public static CheckedAssertion Check(
        XmlElement assertion, IdentityProvider idp, SamlServiceProviderOptions sp, string? requestId, DateTimeOffset now)
    {
        if (assertion.GetAttribute("Version") != "2.0")
        {
            throw new SamlValidationException(SamlReasons.Structure, "Assertion Version is not 2.0");
        }
        var id = XmlIds.RequireId(assertion);
        if (SafeXml.Instant(assertion, "IssueInstant") is null)
        {
            throw new SamlValidationException(SamlReasons.Structure, "Assertion lacks IssueInstant");
        }
        if (assertion.GetElementsByTagName("Assertion", SamlNames.Assertion).Count > 0
            || assertion.GetElementsByTagName("EncryptedAssertion", SamlNames.Assertion).Count > 0)
        {
            throw new SamlValidationException(SamlReasons.AssertionCount, "an assertion nested inside the assertion");
        }
        ResponseChecks.CheckIssuer(assertion, idp, required: true);

        var subject = SafeXml.RequiredChild(assertion, SamlNames.Assertion, "Subject");
        var confirmationUntil = CheckBearer(subject, sp, requestId, now);
        var conditionsUntil = CheckConditions(assertion, sp, now);
        var (sessionIndex, authnInstant, sessionUntil) = CheckAuthnStatement(assertion, sp, now);

        var rememberUntil = (conditionsUntil is { } c && c < confirmationUntil ? c : confirmationUntil) + sp.ClockSkew;
        return new CheckedAssertion(id, rememberUntil, ReadNameId(subject), ReadAttributes(assertion),
            sessionIndex, authnInstant, sessionUntil);
    }

    /// <summary>
    /// At least one bearer confirmation must hold entirely; when none does, the first one's failure is reported.
    /// Returns its NotOnOrAfter.
    /// </summary>
    private static DateTimeOffset CheckBearer(XmlElement subject, SamlServiceProviderOptions sp, string? requestId, DateTimeOffset now)
    {
        SamlValidationException? first = null;
        foreach (var confirmation in SafeXml.Children(subject, SamlNames.Assertion, "SubjectConfirmation"))
        {
            if (confirmation.GetAttribute("Method") != SamlNames.BearerMethod)
            {
                continue;
            }
            try
            {
                return CheckBearerData(confirmation, sp, requestId, now);
            }
            catch (SamlValidationException e)
            {
                first ??= e;
            }
        }
        throw first ?? new SamlValidationException(SamlReasons.SubjectConfirmation, "no bearer SubjectConfirmation");
    }

    private static DateTimeOffset CheckBearerData(XmlElement confirmation, SamlServiceProviderOptions sp, string? requestId, DateTimeOffset now)
    {
        var data = SafeXml.Child(confirmation, SamlNames.Assertion, "SubjectConfirmationData")
            ?? throw new SamlValidationException(SamlReasons.SubjectConfirmation, "bearer confirmation without data");
        var recipient = SafeXml.Attribute(data, "Recipient");
        if (!string.Equals(recipient, sp.AcsUrl, StringComparison.Ordinal))
        {
            throw new SamlValidationException(SamlReasons.Recipient, $"Recipient \"{recipient}\"");
        }
        var notOnOrAfter = SafeXml.Instant(data, "NotOnOrAfter")
            ?? throw new SamlValidationException(SamlReasons.SubjectConfirmation, "bearer confirmation without NotOnOrAfter");
        if (now - sp.ClockSkew >= notOnOrAfter)
        {
            throw new SamlValidationException(SamlReasons.ConfirmationExpired, $"NotOnOrAfter {notOnOrAfter:O}");
        }
        if (SafeXml.Instant(data, "NotBefore") is { } notBefore && notBefore > now + sp.ClockSkew)
        {
            throw new SamlValidationException(SamlReasons.NotYetValid, $"confirmation NotBefore {notBefore:O}");
        }
        var inResponseTo = SafeXml.Attribute(data, "InResponseTo");
        if (!string.Equals(inResponseTo, requestId, StringComparison.Ordinal))
        {
            throw new SamlValidationException(SamlReasons.ConfirmationInResponseTo, $"InResponseTo \"{inResponseTo}\"");
        }
        return notOnOrAfter;
    }

    /// <summary>NotBefore ≤ now + skew, now − skew &lt; NotOnOrAfter, and every AudienceRestriction names this SP.</summary>
    private static DateTimeOffset? CheckConditions(XmlElement assertion, SamlServiceProviderOptions sp, DateTimeOffset now)
    {
        var conditions = SafeXml.Child(assertion, SamlNames.Assertion, "Conditions")
            ?? throw new SamlValidationException(SamlReasons.Audience, "no Conditions, so no AudienceRestriction");
        if (SafeXml.Instant(conditions, "NotBefore") is { } notBefore && notBefore > now + sp.ClockSkew)
        {
            throw new SamlValidationException(SamlReasons.NotYetValid, $"NotBefore {notBefore:O}");
        }
        var notOnOrAfter = SafeXml.Instant(conditions, "NotOnOrAfter");
        if (notOnOrAfter is { } end && now - sp.ClockSkew >= end)
        {
            throw new SamlValidationException(SamlReasons.Expired, $"NotOnOrAfter {end:O}");
        }
        var restrictions = 0;
        foreach (var condition in SafeXml.ChildElements(conditions))
        {
            switch (condition)
            {
                case { LocalName: "AudienceRestriction", NamespaceURI: SamlNames.Assertion }:
                    restrictions++;
                    var audiences = SafeXml.Children(condition, SamlNames.Assertion, "Audience").Select(SafeXml.ReadText);
                    if (!audiences.Contains(sp.EntityId, StringComparer.Ordinal))
                    {
                        throw new SamlValidationException(SamlReasons.Audience, "this SP is not among the audiences");
                    }
                    break;
                case { LocalName: "OneTimeUse" or "ProxyRestriction", NamespaceURI: SamlNames.Assertion }:
                    // One-time use is what the replay cache enforces anyway; this SP never proxies.
                    break;
                default:
                    throw new SamlValidationException(SamlReasons.ConditionUnknown, $"<{condition.Name}>");
            }
        }
        if (restrictions == 0)
        {
            throw new SamlValidationException(SamlReasons.Audience, "no AudienceRestriction");
        }
        return notOnOrAfter;
    }

    private static (string? SessionIndex, DateTimeOffset? AuthnInstant, DateTimeOffset? SessionNotOnOrAfter) CheckAuthnStatement(
        XmlElement assertion, SamlServiceProviderOptions sp, DateTimeOffset now)
    {
        var statement = SafeXml.Children(assertion, SamlNames.Assertion, "AuthnStatement").FirstOrDefault()
            ?? throw new SamlValidationException(SamlReasons.AuthnStatement);
        var instant = SafeXml.Instant(statement, "AuthnInstant")
            ?? throw new SamlValidationException(SamlReasons.AuthnStatement, "AuthnStatement lacks AuthnInstant");
        var sessionEnd = SafeXml.Instant(statement, "SessionNotOnOrAfter");
        if (sessionEnd is { } end && now - sp.ClockSkew >= end)
        {
            throw new SamlValidationException(SamlReasons.Expired, $"SessionNotOnOrAfter {end:O}");
        }
        return (SafeXml.Attribute(statement, "SessionIndex"), instant, sessionEnd);
    }

    private static SamlNameId? ReadNameId(XmlElement subject)
    {
        var nameId = SafeXml.Child(subject, SamlNames.Assertion, "NameID");
        return nameId is null
            ? null
            : new SamlNameId(SafeXml.ReadText(nameId), SafeXml.Attribute(nameId, "Format"),
                SafeXml.Attribute(nameId, "NameQualifier"), SafeXml.Attribute(nameId, "SPNameQualifier"));
    }

    private static List<AttributeRelease> ReadAttributes(XmlElement assertion)
    {
        var attributes = new List<AttributeRelease>();
        foreach (var statement in SafeXml.Children(assertion, SamlNames.Assertion, "AttributeStatement"))
        {
            foreach (var attribute in SafeXml.Children(statement, SamlNames.Assertion, "Attribute"))
            {
                var name = attribute.GetAttribute("Name");
                if (name.Length == 0)
                {
                    throw new SamlValidationException(SamlReasons.Structure, "Attribute without Name");
                }
                var values = new List<string>();
                foreach (var value in SafeXml.Children(attribute, SamlNames.Assertion, "AttributeValue"))
                {
                    // Complex values (e.g. a NameID inside eduPersonTargetedID) have no single string meaning here.
                    if (SafeXml.HasOnlyTextOrComments(value))
                    {
                        var text = SafeXml.ReadText(value);
                        if (text.Length > 0)
                        {
                            values.Add(text);
                        }
                    }
                }
                attributes.Add(new AttributeRelease(name, SafeXml.Attribute(attribute, "NameFormat"),
                    SafeXml.Attribute(attribute, "FriendlyName"), values));
            }
        }
        return attributes;
    }
}

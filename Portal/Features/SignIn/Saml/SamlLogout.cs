using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml;
using Portal.Features.SignIn.Sessions;

namespace Portal.Features.SignIn.Saml;

/// <summary>A logout message the validator accepted.</summary>
public sealed record LogoutMessage
{
    public required bool IsRequest { get; init; }
    public required IdentityProvider Idp { get; init; }
    public required string Id { get; init; }
    public string? RelayState { get; init; }

    /// <summary>Response only: the request it answers, and whether the IdP reports success.</summary>
    public PendingLogout? Answers { get; init; }
    public string? StatusCode { get; init; }

    /// <summary>Request only: whose sessions the IdP ends.</summary>
    public string? NameId { get; init; }
    public IReadOnlyList<string> SessionIndexes { get; init; } = [];
}

/// <summary>The validator's verdict: the message, or a stable reason code.</summary>
public sealed record LogoutCheck(LogoutMessage? Message, string? Failure, string? Detail, string? IdpEntityId);

/// <summary>
/// SAML Single Logout over the HTTP-Redirect binding: builds this SP's signed LogoutRequest and LogoutResponse, and
/// validates what IdPs send to <c>/saml/slo</c>: a trusted issuer, the binding's signature with that IdP's keys, the
/// Destination of this SP's logout endpoint, a recent IssueInstant, and for a response an InResponseTo naming a
/// request this SP sent to that same IdP.
/// </summary>
public sealed class SamlLogout(SamlServiceProviderOptions sp, IIdentityProviderDirectory idps, TimeProvider time)
{
    /// <summary>A logout message older than this (beyond clock skew) is refused.</summary>
    public static readonly TimeSpan MaxMessageAge = TimeSpan.FromMinutes(5);

    public bool CanSendTo(IdentityProvider? idp) =>
        idp?.RedirectSloUrl is not null && sp.SigningCertificate is not null && sp.SingleLogoutUrl is not null;

    /// <summary>The redirect carrying a signed LogoutRequest for the session, and what to keep for its response.</summary>
    public (string Url, PendingLogout Pending) Request(IdentityProvider idp, PortalSession session, string returnPath)
    {
        ArgumentNullException.ThrowIfNull(idp);
        ArgumentNullException.ThrowIfNull(session);
        var destination = idp.RedirectSloUrl ?? throw new InvalidOperationException($"{idp.EntityId} has no HTTP-Redirect SingleLogoutService");
        var now = time.GetUtcNow();
        var id = NewId();
        var xml = Write("LogoutRequest", id, destination, now, w =>
        {
            w.WriteAttributeString("NotOnOrAfter", Instant(now + MaxMessageAge));
            w.WriteElementString("saml", "Issuer", SamlNames.Assertion, sp.EntityId);
            w.WriteStartElement("saml", "NameID", SamlNames.Assertion);
            Optional(w, "Format", session.SamlNameIdFormat);
            Optional(w, "NameQualifier", session.SamlNameQualifier);
            Optional(w, "SPNameQualifier", session.SamlSpNameQualifier);
            w.WriteString(session.SamlNameId ?? "");
            w.WriteEndElement();
            if (session.SamlSessionIndex is { } index)
            {
                w.WriteElementString("samlp", "SessionIndex", SamlNames.Protocol, index);
            }
        });
        var url = RedirectBinding.Url(destination, "SAMLRequest", xml, relayState: null, sp.SigningCertificate);
        var pending = new PendingLogout
        {
            RequestId = id,
            IdpEntityId = idp.EntityId,
            ReturnPath = ReturnPath.SanitizeOrHome(returnPath),
            CreatedAt = now,
            ExpiresAt = now + sp.PendingRequestLifetime,
        };
        return (url, pending);
    }

    /// <summary>The redirect carrying this SP's signed answer to an IdP's LogoutRequest.</summary>
    public string Response(IdentityProvider idp, string inResponseTo, string? relayState, string status = SamlNames.StatusSuccess)
    {
        ArgumentNullException.ThrowIfNull(idp);
        var destination = idp.RedirectSloUrl ?? throw new InvalidOperationException($"{idp.EntityId} has no HTTP-Redirect SingleLogoutService");
        var xml = Write("LogoutResponse", NewId(), destination, time.GetUtcNow(), w =>
        {
            w.WriteAttributeString("InResponseTo", inResponseTo);
            w.WriteElementString("saml", "Issuer", SamlNames.Assertion, sp.EntityId);
            w.WriteStartElement("samlp", "Status", SamlNames.Protocol);
            w.WriteStartElement("samlp", "StatusCode", SamlNames.Protocol);
            w.WriteAttributeString("Value", status);
            w.WriteEndElement();
            w.WriteEndElement();
        });
        return RedirectBinding.Url(destination, "SAMLResponse", xml, relayState, sp.SigningCertificate);
    }

    /// <summary>
    /// Validates a message received at /saml/slo. <paramref name="takePending"/> removes and returns this SP's pending
    /// request by ID (called for responses only), so an answer is accepted once.
    /// </summary>
    public async Task<LogoutCheck> CheckAsync(string? rawQuery, Func<string, CancellationToken, Task<PendingLogout?>> takePending, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(takePending);
        string? issuer = null;
        try
        {
            var received = RedirectBinding.Parse(rawQuery) ?? throw new SamlValidationException(SamlReasons.Structure, "neither SAMLRequest nor SAMLResponse (or one twice)");
            var document = SafeXml.Load(RedirectBinding.Inflate(received));
            var root = document.DocumentElement!;
            var isRequest = received.Parameter == "SAMLRequest";
            if (root.NamespaceURI != SamlNames.Protocol || root.LocalName != (isRequest ? "LogoutRequest" : "LogoutResponse"))
            {
                throw new SamlValidationException(SamlReasons.Structure, $"expected a {(isRequest ? "LogoutRequest" : "LogoutResponse")}");
            }
            issuer = SafeXml.Child(root, SamlNames.Assertion, "Issuer") is { } i ? SafeXml.ReadText(i) : null;
            var idp = (issuer is null ? null : idps.Find(issuer)) ?? throw new SamlValidationException(SamlReasons.IdpUnknown, issuer);
            // The signature first: nothing else in the message is believed before it.
            RedirectBinding.Verify(received, idp);
            var id = XmlIds.RequireId(root);
            if (SafeXml.Attribute(root, "Destination") != sp.SingleLogoutUrl)
            {
                throw new SamlValidationException(SamlReasons.Destination, SafeXml.Attribute(root, "Destination"));
            }
            var now = time.GetUtcNow();
            var issued = SafeXml.Instant(root, "IssueInstant") ?? throw new SamlValidationException(SamlReasons.Structure, "IssueInstant missing");
            if (issued > now + sp.ClockSkew)
            {
                throw new SamlValidationException(SamlReasons.NotYetValid);
            }
            if (issued < now - MaxMessageAge - sp.ClockSkew)
            {
                throw new SamlValidationException(SamlReasons.Expired);
            }
            var message = isRequest ? ReadRequest(root, now) : await ReadResponseAsync(root, idp, now, takePending, ct);
            return new LogoutCheck(message with { Idp = idp, Id = id, RelayState = received.RelayState }, null, null, idp.EntityId);
        }
        catch (SamlValidationException e)
        {
            return new LogoutCheck(null, e.Code, e.Message, issuer);
        }
        catch (XmlException e)
        {
            return new LogoutCheck(null, SamlReasons.Malformed, e.Message, issuer);
        }
    }

    private LogoutMessage ReadRequest(XmlElement root, DateTimeOffset now)
    {
        if (SafeXml.Instant(root, "NotOnOrAfter") is { } notOnOrAfter && now >= notOnOrAfter + sp.ClockSkew)
        {
            throw new SamlValidationException(SamlReasons.Expired, "LogoutRequest NotOnOrAfter passed");
        }
        var nameId = SafeXml.Child(root, SamlNames.Assertion, "NameID") is { } n ? SafeXml.ReadText(n) : null;
        if (string.IsNullOrEmpty(nameId))
        {
            throw new SamlValidationException(SamlReasons.Structure, "LogoutRequest without a NameID (encrypted NameIDs are not supported)");
        }
        return new LogoutMessage
        {
            IsRequest = true,
            Idp = null!,
            Id = "",
            NameId = nameId,
            SessionIndexes = [.. SafeXml.Children(root, SamlNames.Protocol, "SessionIndex").Select(SafeXml.ReadText)],
        };
    }

    private static async Task<LogoutMessage> ReadResponseAsync(XmlElement root, IdentityProvider idp, DateTimeOffset now,
        Func<string, CancellationToken, Task<PendingLogout?>> takePending, CancellationToken ct)
    {
        var inResponseTo = SafeXml.Attribute(root, "InResponseTo");
        var pending = string.IsNullOrEmpty(inResponseTo) || inResponseTo.Length > 128 ? null : await takePending(inResponseTo, ct);
        if (pending is null || pending.IdpEntityId != idp.EntityId)
        {
            throw new SamlValidationException(SamlReasons.InResponseTo, "no logout request of this SP to this IdP has that ID");
        }
        if (now > pending.ExpiresAt)
        {
            throw new SamlValidationException(SamlReasons.RequestExpired);
        }
        var status = SafeXml.Child(root, SamlNames.Protocol, "Status") is { } s && SafeXml.Child(s, SamlNames.Protocol, "StatusCode") is { } c
            ? SafeXml.Attribute(c, "Value")
            : throw new SamlValidationException(SamlReasons.Structure, "LogoutResponse without a Status");
        return new LogoutMessage { IsRequest = false, Idp = null!, Id = "", Answers = pending, StatusCode = status };
    }

    private static string NewId() => "_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

    private static string Instant(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static void Optional(XmlWriter w, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            w.WriteAttributeString(name, value);
        }
    }

    private static string Write(string element, string id, string destination, DateTimeOffset now, Action<XmlWriter> body)
    {
        var text = new StringBuilder();
        using (var w = XmlWriter.Create(text, new XmlWriterSettings { OmitXmlDeclaration = true, Encoding = new UTF8Encoding(false) }))
        {
            w.WriteStartElement("samlp", element, SamlNames.Protocol);
            w.WriteAttributeString("xmlns", "saml", null, SamlNames.Assertion);
            w.WriteAttributeString("ID", id);
            w.WriteAttributeString("Version", "2.0");
            w.WriteAttributeString("IssueInstant", Instant(now));
            w.WriteAttributeString("Destination", destination);
            body(w);
            w.WriteEndElement();
        }
        return text.ToString();
    }
}

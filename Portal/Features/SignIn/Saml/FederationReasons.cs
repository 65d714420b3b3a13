namespace Portal.Features.SignIn.Saml;

/// <summary>
/// Stable reason codes for a refused federation aggregate. Logs, the start-up line and the tests key on the code;
/// signature failures reuse the response checks and keep their names under the <c>federation.</c> prefix.
/// </summary>
public static class FederationReasons
{
    public const string SourceUnreadable = "federation.source.unreadable";
    public const string Malformed = "federation.xml.malformed";
    public const string Doctype = "federation.doctype";
    public const string Root = "federation.root";
    public const string SignatureMissing = "federation.signature.missing";
    public const string ValidUntilMissing = "federation.validuntil.missing";
    public const string Expired = "federation.validuntil.expired";
    public const string ValidityTooLong = "federation.validuntil.toofar";
    public const string NoIdentityProviders = "federation.empty";
    public const string CacheUnwritable = "federation.cache.unwritable";

    /// <summary>A response-check code (<c>saml.signature.invalid</c>) as an aggregate code (<c>federation.signature.invalid</c>).</summary>
    public static string FromSaml(string samlCode) => samlCode switch
    {
        SamlReasons.Malformed => Malformed,
        SamlReasons.Doctype => Doctype,
        _ when samlCode.StartsWith("saml.", StringComparison.Ordinal) => "federation." + samlCode["saml.".Length..],
        _ => samlCode,
    };
}

/// <summary>Why an aggregate was refused: a stable <see cref="Code"/> and a detail for the operator.</summary>
public sealed class FederationMetadataException(string code, string detail, Exception? inner = null)
    : Exception($"{code}: {detail}", inner)
{
    public string Code { get; } = code;

    public string Detail { get; } = detail;
}

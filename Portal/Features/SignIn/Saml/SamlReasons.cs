namespace Portal.Features.SignIn.Saml;

/// <summary>
/// Stable reason codes for a rejected response. The audit log and the tests key on the code; the sentence is for
/// the person in front of the browser and may be reworded.
/// </summary>
public static class SamlReasons
{
    public const string Size = "saml.size";
    public const string Encoding = "saml.encoding";
    public const string Doctype = "saml.doctype";
    public const string Malformed = "saml.xml.malformed";
    public const string Structure = "saml.structure";
    public const string IdInvalid = "saml.id.invalid";
    public const string IdDuplicate = "saml.id.duplicate";
    public const string Status = "saml.status";
    public const string AssertionCount = "saml.assertion.count";
    public const string SignatureMissing = "saml.signature.missing";
    public const string SignatureWrapping = "saml.signature.wrapping";
    public const string SignatureReference = "saml.signature.reference";
    public const string SignatureTransform = "saml.signature.transform";
    public const string SignatureAlgorithm = "saml.signature.algorithm";
    public const string SignatureCertificate = "saml.signature.certificate";
    public const string SignatureInvalid = "saml.signature.invalid";
    public const string EncryptionAlgorithm = "saml.encryption.algorithm";
    public const string Decryption = "saml.decryption";
    public const string IdpUnknown = "saml.idp.unknown";
    public const string Issuer = "saml.issuer";
    public const string Destination = "saml.destination";
    public const string InResponseTo = "saml.inresponseto";
    public const string RequestExpired = "saml.request.expired";
    public const string Unsolicited = "saml.unsolicited";
    public const string RelayState = "saml.relaystate";
    public const string NotYetValid = "saml.notyetvalid";
    public const string Expired = "saml.expired";
    public const string Audience = "saml.audience";
    public const string ConditionUnknown = "saml.conditions.unknown";
    public const string SubjectConfirmation = "saml.subjectconfirmation";
    public const string Recipient = "saml.recipient";
    public const string ConfirmationExpired = "saml.subjectconfirmation.expired";
    public const string ConfirmationInResponseTo = "saml.subjectconfirmation.inresponseto";
    public const string AuthnStatement = "saml.authnstatement";
    public const string TextComment = "saml.text.comment";
    public const string Replay = "saml.replay";
    public const string IdentifierMissing = "saml.identifier.missing";

    /// <summary>The sentence shown to the user for a code; unknown codes get a generic sentence.</summary>
    public static string Describe(string code) => code switch
    {
        Size => "The sign-in response is larger than this service accepts.",
        Encoding => "The sign-in response is not valid base64-encoded XML.",
        Doctype => "The sign-in response contains a document type declaration, which is never allowed.",
        Malformed => "The sign-in response is not well-formed XML.",
        Structure => "The sign-in response does not have the structure of a SAML 2.0 response.",
        IdInvalid => "An element of the sign-in response lacks a valid ID attribute.",
        IdDuplicate => "Two elements of the sign-in response carry the same ID.",
        Status => "Your home institution reported that the sign-in did not succeed.",
        AssertionCount => "The sign-in response must contain exactly one assertion.",
        SignatureMissing => "The sign-in response is not signed by your home institution.",
        SignatureWrapping => "The signature of the sign-in response does not cover the data it claims to cover.",
        SignatureReference => "The signature must reference exactly one element.",
        SignatureTransform => "The signature uses a transform that is not allowed.",
        SignatureAlgorithm => "The signature uses an algorithm that is not allowed for this institution.",
        SignatureCertificate => "The signature carries a certificate that is not in your institution's metadata.",
        SignatureInvalid => "The signature of the sign-in response is not valid for your institution's keys.",
        EncryptionAlgorithm => "The assertion is encrypted with an algorithm this service does not accept.",
        Decryption => "The encrypted assertion could not be decrypted.",
        IdpUnknown => "The sign-in response comes from an institution this service does not know.",
        Issuer => "The sign-in response was issued by a different institution than the one you were sent to.",
        Destination => "The sign-in response was addressed to a different service.",
        InResponseTo => "The sign-in response does not answer the sign-in request of this browser.",
        RequestExpired => "The sign-in took too long; please start again.",
        Unsolicited => "Sign-in started at the institution is not accepted; please start at this portal.",
        RelayState => "The page to return to after sign-in is not a local page.",
        NotYetValid => "The sign-in response is not valid yet; a clock may be wrong.",
        Expired => "The sign-in response has expired.",
        Audience => "The sign-in response is meant for a different service.",
        ConditionUnknown => "The sign-in response carries a condition this service does not understand.",
        SubjectConfirmation => "The sign-in response lacks a bearer subject confirmation.",
        Recipient => "The sign-in response's subject confirmation names a different recipient.",
        ConfirmationExpired => "The sign-in response's subject confirmation has expired.",
        ConfirmationInResponseTo => "The subject confirmation does not answer the sign-in request of this browser.",
        AuthnStatement => "The sign-in response lacks an authentication statement.",
        TextComment => "A value in the sign-in response contains an XML comment, which is refused.",
        Replay => "This sign-in response was already used.",
        IdentifierMissing => "Your home institution did not release a stable identifier for you.",
        _ => "The sign-in response was rejected.",
    };
}

/// <summary>Why a response was rejected: the stable code, the user sentence, and a detail for the log only.</summary>
public sealed record SamlFailure(string Code, string Message, string? Detail = null)
{
    public static SamlFailure For(string code, string? detail = null) => new(code, SamlReasons.Describe(code), detail);
}

/// <summary>Thrown by a validation step; never escapes <see cref="SamlResponseValidator"/>.</summary>
internal sealed class SamlValidationException(string code, string? detail = null, Exception? inner = null)
    : Exception(detail is null ? code : $"{code}: {detail}", inner)
{
    public string Code { get; } = code;

    public string? Detail { get; } = detail;
}

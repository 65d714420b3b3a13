namespace Portal.Features.SignIn.Saml;

/// <summary>The outcome of one ACS POST: a mapped identity, or a failure with its stable reason.</summary>
public sealed record SamlValidationResult
{
    public SamlIdentity? Identity { get; init; }

    public SamlFailure? Failure { get; init; }

    /// <summary>Where to send the browser after a success (always a local path).</summary>
    public string ReturnPath { get; init; } = Saml.ReturnPath.Home;

    /// <summary>The IdP the response was judged against, when it got that far (for the audit event).</summary>
    public string? IdpEntityId { get; init; }

    public string? ResponseId { get; init; }

    public string? AssertionId { get; init; }

    public bool WasEncrypted { get; init; }

    public bool Succeeded => Identity is not null;

    internal static SamlValidationResult Fail(SamlValidationException e, string? idp, string? responseId) => new()
    {
        Failure = new SamlFailure(e.Code, SamlReasons.Describe(e.Code), e.Detail),
        IdpEntityId = idp,
        ResponseId = responseId,
    };
}

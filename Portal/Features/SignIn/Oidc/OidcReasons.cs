using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Portal.Features.SignIn.Oidc;

/// <summary>Stable reason codes for a failed OIDC sign-in; the audit log and the tests key on them.</summary>
public static class OidcReasons
{
    public const string ProviderUnknown = "oidc.provider.unknown";
    public const string State = "oidc.state";
    public const string Nonce = "oidc.nonce";
    public const string Denied = "oidc.denied";
    public const string Token = "oidc.token";
    public const string Subject = "oidc.subject";
    public const string Failed = "oidc.failed";

    public static string Describe(string code) => code switch
    {
        ProviderUnknown => "The sign-in provider you chose is not one this portal knows.",
        State => "The sign-in answer does not belong to a sign-in this browser started (state mismatch). Start again from the sign-in page.",
        Nonce => "The sign-in provider's ID token does not belong to this sign-in (nonce mismatch). Start again from the sign-in page.",
        Denied => "The sign-in was cancelled or refused at the sign-in provider.",
        Token => "The sign-in provider's tokens could not be verified.",
        Subject => "The sign-in provider did not say who you are (no subject).",
        _ => "The sign-in with your provider could not be completed.",
    };

    /// <summary>Classifies the handler's failure; the exception's text goes to the audit details, not to the page.</summary>
    public static string From(Exception? failure) => failure switch
    {
        OpenIdConnectProtocolInvalidNonceException => Nonce,
        { Message: var m } when m.Contains("Correlation failed", StringComparison.Ordinal)
            || m.Contains("message.State", StringComparison.Ordinal) => State,
        { Message: var m } when m.Contains("Access was denied", StringComparison.Ordinal)
            || m.Contains("access_denied", StringComparison.Ordinal) => Denied,
        SecurityTokenException or OpenIdConnectProtocolException => Token,
        _ => Failed,
    };
}

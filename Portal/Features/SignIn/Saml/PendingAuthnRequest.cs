namespace Portal.Features.SignIn.Saml;

/// <summary>
/// What the portal keeps between sending the AuthnRequest and receiving the response: server-side (keyed by
/// <see cref="RelayState"/>) or in a protected cookie bound to this browser, and deleted on first use.
/// </summary>
/// <param name="Id">The AuthnRequest ID; the response's InResponseTo must equal it.</param>
/// <param name="IdpEntityId">The IdP the request went to; the only IdP whose response is accepted for it.</param>
/// <param name="ReturnPath">Local path to return to, already sanitised.</param>
/// <param name="CreatedAt">When the request was sent; old requests are not answered.</param>
/// <param name="RelayState">Opaque random key sent as RelayState; carries no meaning by itself.</param>
public sealed record PendingAuthnRequest(string Id, string IdpEntityId, string ReturnPath, DateTimeOffset CreatedAt, string RelayState);

using System.Xml;

namespace Portal.Features.SignIn.Saml;

/// <summary>
/// Judges one HTTP-POST <c>SAMLResponse</c>. The steps run cheapest and most structural first (size, parse,
/// signature placement, IDs) so that cryptography and content checks only ever see a well-formed, unambiguous
/// message; data is read only from the element whose signature was verified.
/// </summary>
public sealed class SamlResponseValidator
{
    private readonly SamlServiceProviderOptions _sp;
    private readonly IIdentityProviderDirectory _idps;
    private readonly ISamlReplayCache _replay;
    private readonly TimeProvider _time;

    public SamlResponseValidator(SamlServiceProviderOptions sp, IIdentityProviderDirectory idps, ISamlReplayCache replay, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(sp);
        sp.Validate();
        _sp = sp;
        _idps = idps ?? throw new ArgumentNullException(nameof(idps));
        _replay = replay ?? throw new ArgumentNullException(nameof(replay));
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <param name="samlResponse">The posted SAMLResponse form field, still base64.</param>
    /// <param name="relayState">The posted RelayState (only interpreted as a return path for an unsolicited response).</param>
    /// <param name="pending">
    /// The AuthnRequest this browser started, found by the caller through its RelayState key and already consumed
    /// (deleted) so it cannot serve twice; null when there is none.
    /// </param>
    public async Task<SamlValidationResult> ValidateAsync(
        string? samlResponse, string? relayState, PendingAuthnRequest? pending, CancellationToken cancellationToken = default)
    {
        var state = new Progress();
        try
        {
            var accepted = Check(samlResponse, relayState, pending, state);
            if (!await _replay.TryRemember(accepted.Assertion.Id, state.Idp!.EntityId, accepted.Assertion.RememberUntil, cancellationToken))
            {
                throw new SamlValidationException(SamlReasons.Replay, $"assertion {accepted.Assertion.Id}");
            }
            var identity = AttributeMapper.Map(state.Idp, accepted.Assertion.NameId, accepted.Assertion.Attributes) with
            {
                SessionIndex = accepted.Assertion.SessionIndex,
                AuthnInstant = accepted.Assertion.AuthnInstant,
                SessionNotOnOrAfter = accepted.Assertion.SessionNotOnOrAfter,
            };
            return new SamlValidationResult
            {
                Identity = identity,
                ReturnPath = accepted.ReturnPath,
                IdpEntityId = state.Idp.EntityId,
                ResponseId = state.ResponseId,
                AssertionId = accepted.Assertion.Id,
                WasEncrypted = accepted.Encrypted,
            };
        }
        catch (SamlValidationException e)
        {
            return SamlValidationResult.Fail(e, state.Idp?.EntityId, state.ResponseId);
        }
    }

    private sealed class Progress
    {
        public IdentityProvider? Idp { get; set; }

        public string? ResponseId { get; set; }
    }

    private sealed record Accepted(CheckedAssertion Assertion, string ReturnPath, bool Encrypted);

    private Accepted Check(string? samlResponse, string? relayState, PendingAuthnRequest? pending, Progress state)
    {
        var now = _time.GetUtcNow();
        var document = SafeXml.Load(Decode(samlResponse));
        var response = ResponseChecks.RequireResponseRoot(document);
        SignatureChecks.CheckPlacement(document);
        XmlIds.EnsureUnique(document);
        state.ResponseId = XmlIds.RequireId(response);
        ResponseChecks.CheckStructure(response);
        ResponseChecks.CheckStatus(response);
        var assertionOrEncrypted = ResponseChecks.SingleAssertion(response);

        var requestId = SafeXml.Attribute(response, "InResponseTo");
        var (idp, returnPath) = requestId is null
            ? Unsolicited(response, assertionOrEncrypted, relayState)
            : Solicited(requestId, pending, now);
        state.Idp = idp;

        var responseSignature = SignatureChecks.SignatureOf(response);
        if (responseSignature is not null)
        {
            SignatureChecks.Verify(response, responseSignature, idp);
        }

        var encrypted = assertionOrEncrypted.LocalName == "EncryptedAssertion";
        var assertion = encrypted ? Decrypt(assertionOrEncrypted) : assertionOrEncrypted;
        var assertionSignature = SignatureChecks.SignatureOf(assertion);
        if (assertionSignature is not null)
        {
            SignatureChecks.Verify(assertion, assertionSignature, idp);
        }
        if (responseSignature is null && assertionSignature is null)
        {
            throw new SamlValidationException(SamlReasons.SignatureMissing,
                encrypted ? "neither the Response nor the decrypted Assertion is signed" : "neither the Response nor the Assertion is signed");
        }

        ResponseChecks.CheckDestination(response, _sp, responseSignature is not null);
        ResponseChecks.CheckIssuer(response, idp, required: false);
        var checkedAssertion = AssertionChecks.Check(assertion, idp, _sp, requestId, now);
        return new Accepted(checkedAssertion, returnPath, encrypted);
    }

    private byte[] Decode(string? samlResponse)
    {
        if (string.IsNullOrEmpty(samlResponse))
        {
            throw new SamlValidationException(SamlReasons.Encoding, "no SAMLResponse");
        }
        // Checked on the encoded form, before any work proportional to the size is done.
        if (samlResponse.Length > _sp.MaxResponseLength)
        {
            throw new SamlValidationException(SamlReasons.Size, $"{samlResponse.Length} characters");
        }
        try
        {
            return Convert.FromBase64String(samlResponse);
        }
        catch (FormatException e)
        {
            throw new SamlValidationException(SamlReasons.Encoding, "SAMLResponse is not base64", e);
        }
    }

    private (IdentityProvider, string) Solicited(string requestId, PendingAuthnRequest? pending, DateTimeOffset now)
    {
        if (pending is null || !string.Equals(pending.Id, requestId, StringComparison.Ordinal))
        {
            throw new SamlValidationException(SamlReasons.InResponseTo, $"InResponseTo \"{requestId}\" is not this browser's request");
        }
        if (now - pending.CreatedAt > _sp.PendingRequestLifetime)
        {
            throw new SamlValidationException(SamlReasons.RequestExpired, $"request sent at {pending.CreatedAt:O}");
        }
        var idp = _idps.Find(pending.IdpEntityId)
            ?? throw new SamlValidationException(SamlReasons.IdpUnknown, pending.IdpEntityId);
        if (!ReturnPath.TryValidate(pending.ReturnPath, out var path))
        {
            throw new SamlValidationException(SamlReasons.RelayState, "stored return path is not local");
        }
        return (idp, path);
    }

    // The IdP of an unsolicited response can only be taken from its (not yet verified) Issuer; the signature that
    // follows must then be by that IdP's metadata key, and the Issuer checks confirm it.
    private (IdentityProvider, string) Unsolicited(XmlElement response, XmlElement assertionOrEncrypted, string? relayState)
    {
        if (!_sp.AllowIdpInitiated)
        {
            throw new SamlValidationException(SamlReasons.Unsolicited);
        }
        var issuer = ResponseChecks.IssuerText(response)
            ?? (assertionOrEncrypted.LocalName == "Assertion" ? ResponseChecks.IssuerText(assertionOrEncrypted) : null)
            ?? throw new SamlValidationException(SamlReasons.Issuer, "unsolicited response without Issuer");
        var idp = _idps.Find(issuer) ?? throw new SamlValidationException(SamlReasons.IdpUnknown, issuer);
        var path = ReturnPath.Home;
        if (!string.IsNullOrEmpty(relayState) && !ReturnPath.TryValidate(relayState, out path))
        {
            throw new SamlValidationException(SamlReasons.RelayState, "RelayState is not a local path");
        }
        return (idp, path);
    }

    private XmlElement Decrypt(XmlElement encryptedAssertion)
    {
        var plaintext = AssertionDecryptor.Decrypt(encryptedAssertion, _sp.EncryptionCertificates);
        var document = SafeXml.LoadFragment(plaintext, encryptedAssertion);
        var root = document.DocumentElement;
        if (root is null || root.LocalName != "Assertion" || root.NamespaceURI != SamlNames.Assertion)
        {
            throw new SamlValidationException(SamlReasons.Decryption, "decrypted content is not a saml:Assertion");
        }
        SignatureChecks.CheckPlacement(document);
        XmlIds.EnsureUnique(document);
        return root;
    }
}

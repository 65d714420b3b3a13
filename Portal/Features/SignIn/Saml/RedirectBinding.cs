using System.IO.Compression;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Portal.Features.SignIn.Saml;

/// <summary>
/// The SAML HTTP-Redirect binding: deflate, base64, URL-encode; the signature covers the exact URL-encoded octets of
/// "SAMLRequest|SAMLResponse=…&amp;RelayState=…&amp;SigAlg=…", in this order, as sent and as received.
/// </summary>
internal static class RedirectBinding
{
    /// <summary>Inflated messages larger than this are refused (a deflate bomb cannot exhaust memory).</summary>
    public const int MaxInflatedLength = 64 * 1024;

    public static string Url(string destination, string parameter, string xml, string? relayState, X509Certificate2? signingCertificate)
    {
        var query = new StringBuilder()
            .Append(parameter).Append('=').Append(Uri.EscapeDataString(Convert.ToBase64String(Deflate(xml))));
        if (relayState is not null)
        {
            query.Append("&RelayState=").Append(Uri.EscapeDataString(relayState));
        }
        if (signingCertificate is not null)
        {
            query.Append("&SigAlg=").Append(Uri.EscapeDataString(SamlNames.RsaSha256));
            using var key = signingCertificate.GetRSAPrivateKey()
                ?? throw new InvalidOperationException("the SP signing certificate has no RSA private key");
            var signature = key.SignData(Encoding.UTF8.GetBytes(query.ToString()), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            query.Append("&Signature=").Append(Uri.EscapeDataString(Convert.ToBase64String(signature)));
        }
        var separator = destination.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        return $"{destination}{separator}{query}";
    }

    public static byte[] Deflate(string xml)
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(Encoding.UTF8.GetBytes(xml));
        }
        return output.ToArray();
    }

    /// <summary>A received message: its parameters still URL-encoded as they came, for the signature check.</summary>
    public sealed record Received(string Parameter, string RawMessage, string? RawRelayState, string? RawSigAlg, string? RawSignature)
    {
        public string? RelayState => RawRelayState is null ? null : Uri.UnescapeDataString(RawRelayState.Replace('+', ' '));
        public string? SigAlg => RawSigAlg is null ? null : Uri.UnescapeDataString(RawSigAlg.Replace('+', ' '));

        /// <summary>The octets the sender signed.</summary>
        public string SignedOctets =>
            $"{Parameter}={RawMessage}" + (RawRelayState is null ? "" : $"&RelayState={RawRelayState}") + $"&SigAlg={RawSigAlg}";
    }

    /// <summary>Splits the raw query; null when it carries neither or both message parameters, or one twice.</summary>
    public static Received? Parse(string? rawQuery)
    {
        var pairs = (rawQuery ?? "").TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).Select(p => (Name: p[0], Value: p.Length > 1 ? p[1] : "")).ToList();
        string? One(string name)
        {
            var found = pairs.Where(p => p.Name == name).ToList();
            return found.Count == 1 ? found[0].Value : found.Count == 0 ? null : throw new FormatException(name + " twice");
        }
        try
        {
            var request = One("SAMLRequest");
            var response = One("SAMLResponse");
            if ((request is null) == (response is null))
            {
                return null;
            }
            return new Received(request is null ? "SAMLResponse" : "SAMLRequest", request ?? response!, One("RelayState"), One("SigAlg"), One("Signature"));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Base64-decodes and inflates the message; throws <see cref="SamlValidationException"/> when it cannot.</summary>
    public static byte[] Inflate(Received received)
    {
        try
        {
            var compressed = Convert.FromBase64String(Uri.UnescapeDataString(received.RawMessage.Replace('+', ' ')));
            using var input = new DeflateStream(new MemoryStream(compressed), CompressionMode.Decompress);
            using var output = new MemoryStream();
            var buffer = new byte[8192];
            int read;
            while ((read = input.Read(buffer)) > 0)
            {
                output.Write(buffer, 0, read);
                if (output.Length > MaxInflatedLength)
                {
                    throw new SamlValidationException(SamlReasons.Size);
                }
            }
            return output.ToArray();
        }
        catch (Exception e) when (e is FormatException or InvalidDataException)
        {
            throw new SamlValidationException(SamlReasons.Encoding, e.Message, e);
        }
    }

    /// <summary>
    /// Verifies the query-string signature with the IdP's signing keys. RSA with SHA-256 or stronger (SHA-1 only where
    /// the operator allowed it for this IdP).
    /// </summary>
    public static void Verify(Received received, IdentityProvider idp)
    {
        if (received.RawSigAlg is null || received.RawSignature is null)
        {
            throw new SamlValidationException(SamlReasons.SignatureMissing, "logout messages must be signed");
        }
        var hash = received.SigAlg switch
        {
            SamlNames.RsaSha256 => HashAlgorithmName.SHA256,
            SamlNames.RsaSha384 => HashAlgorithmName.SHA384,
            SamlNames.RsaSha512 => HashAlgorithmName.SHA512,
            SamlNames.RsaSha1 when idp.AllowSha1 => HashAlgorithmName.SHA1,
            _ => throw new SamlValidationException(SamlReasons.SignatureAlgorithm, received.SigAlg),
        };
        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(Uri.UnescapeDataString(received.RawSignature.Replace('+', ' ')));
        }
        catch (FormatException e)
        {
            throw new SamlValidationException(SamlReasons.SignatureInvalid, "signature is not base64", e);
        }
        var signed = Encoding.UTF8.GetBytes(received.SignedOctets);
        foreach (var certificate in idp.SigningCertificates)
        {
            using var key = certificate.GetRSAPublicKey();
            if (key is not null && key.VerifyData(signed, signature, hash, RSASignaturePadding.Pkcs1))
            {
                return;
            }
        }
        throw new SamlValidationException(SamlReasons.SignatureInvalid, "no signing key of the IdP verifies the logout message");
    }
}

using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml;

namespace Portal.Features.SignIn.Saml;

/// <summary>The redirect to send the browser to, and what to keep until the response comes back.</summary>
public sealed record AuthnRequestRedirect(string Url, PendingAuthnRequest Pending);

/// <summary>
/// Builds an AuthnRequest for the HTTP-Redirect binding (deflate, base64, URL-encode), signed over the query string
/// when the SP has a signing key. The RelayState is a fresh opaque key, never the return path itself, so nothing the
/// IdP echoes back can steer the redirect.
/// </summary>
public sealed class AuthnRequestBuilder(SamlServiceProviderOptions sp, TimeProvider time)
{
    public AuthnRequestRedirect Build(IdentityProvider idp, string? returnPath)
    {
        ArgumentNullException.ThrowIfNull(idp);
        var destination = idp.RedirectSsoUrl
            ?? throw new InvalidOperationException($"{idp.EntityId} has no HTTP-Redirect SingleSignOnService");
        var now = time.GetUtcNow();
        var id = "_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        var relayState = Base64Url(RandomNumberGenerator.GetBytes(18));
        var xml = RequestXml(id, destination, now);

        var query = new StringBuilder()
            .Append("SAMLRequest=").Append(Uri.EscapeDataString(Convert.ToBase64String(Deflate(xml))))
            .Append("&RelayState=").Append(Uri.EscapeDataString(relayState));
        if (sp.SigningCertificate is { } certificate)
        {
            query.Append("&SigAlg=").Append(Uri.EscapeDataString(SamlNames.RsaSha256));
            using var key = certificate.GetRSAPrivateKey()
                ?? throw new InvalidOperationException("the SP signing certificate has no RSA private key");
            // The Redirect binding signs the exact URL-encoded octets, in this order.
            var signature = key.SignData(Encoding.UTF8.GetBytes(query.ToString()), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            query.Append("&Signature=").Append(Uri.EscapeDataString(Convert.ToBase64String(signature)));
        }
        var separator = destination.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        var pending = new PendingAuthnRequest(id, idp.EntityId, ReturnPath.SanitizeOrHome(returnPath), now, relayState);
        return new AuthnRequestRedirect($"{destination}{separator}{query}", pending);
    }

    private string RequestXml(string id, string destination, DateTimeOffset now)
    {
        var settings = new XmlWriterSettings { OmitXmlDeclaration = true, Encoding = new UTF8Encoding(false) };
        var text = new StringBuilder();
        using (var writer = XmlWriter.Create(text, settings))
        {
            writer.WriteStartElement("samlp", "AuthnRequest", SamlNames.Protocol);
            writer.WriteAttributeString("xmlns", "saml", null, SamlNames.Assertion);
            writer.WriteAttributeString("ID", id);
            writer.WriteAttributeString("Version", "2.0");
            writer.WriteAttributeString("IssueInstant", now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            writer.WriteAttributeString("Destination", destination);
            writer.WriteAttributeString("AssertionConsumerServiceURL", sp.AcsUrl);
            writer.WriteAttributeString("ProtocolBinding", SamlNames.HttpPostBinding);
            writer.WriteElementString("saml", "Issuer", SamlNames.Assertion, sp.EntityId);
            writer.WriteStartElement("samlp", "NameIDPolicy", SamlNames.Protocol);
            writer.WriteAttributeString("AllowCreate", "true");
            writer.WriteEndElement();
            writer.WriteEndElement();
        }
        return text.ToString();
    }

    private static byte[] Deflate(string xml)
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(Encoding.UTF8.GetBytes(xml));
        }
        return output.ToArray();
    }

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}

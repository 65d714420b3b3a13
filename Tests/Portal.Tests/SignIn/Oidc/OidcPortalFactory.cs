using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Web;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Portal.Features.SignIn.Oidc;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.SignIn.Oidc;

/// <summary>
/// The portal with one OIDC provider ("test") whose metadata is given in place and whose token endpoint answers
/// through a stand-in backchannel, so the handler's real checks (state, PKCE, ID token, nonce) run without a network.
/// </summary>
public sealed class OidcPortalFactory : PortalFactory
{
    public const string Issuer = "https://op.example.test";
    public const string ClientId = "portal-test";

    private readonly RSA _key = RSA.Create(2048);
    private readonly string _clientSecret = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    /// <summary>Every form the portal posted to the token endpoint.</summary>
    public List<Dictionary<string, string>> TokenRequests { get; } = [];

    /// <summary>The nonce the next ID token carries; null = the one of the request (set by the test).</summary>
    public string? IdTokenNonce { get; set; }

    public string Subject { get; set; } = "s-123";

    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings =>
    [
        new("Oidc:Providers:test:Authority", Issuer),
        new("Oidc:Providers:test:ClientId", ClientId),
        new("Oidc:Providers:test:ClientSecret", _clientSecret),
        new("Oidc:Providers:test:DisplayName", "Test Research Cloud"),
        new("Oidc:Providers:test:Domains:0", "cloud.example.test"),
    ];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        var configuration = new OpenIdConnectConfiguration
        {
            Issuer = Issuer,
            AuthorizationEndpoint = Issuer + "/authorize",
            TokenEndpoint = Issuer + "/token",
            EndSessionEndpoint = Issuer + "/logout",
        };
        configuration.SigningKeys.Add(new RsaSecurityKey(_key) { KeyId = "k1" });
        builder.ConfigureServices(services => services.Configure<OpenIdConnectOptions>("oidc-test", o =>
        {
            o.Configuration = configuration;
            o.BackchannelHttpHandler = new TokenEndpoint(this);
        }));
    }

    private string IdToken(string nonce)
    {
        // Valid by the real clock and by the fake one the portal runs on.
        var real = DateTime.UtcNow;
        var fake = Clock.GetUtcNow().UtcDateTime;
        var from = (real < fake ? real : fake).AddHours(-1);
        var until = (real > fake ? real : fake).AddHours(1);
        var atHash = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes("at-1"))[..16]);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = ClientId,
            IssuedAt = from,
            NotBefore = from,
            Expires = until,
            Subject = new ClaimsIdentity(
            [
                new Claim("sub", Subject), new Claim("name", "Olivia Cloud"), new Claim("email", "olivia@cloud.example.test"),
                new Claim("nonce", IdTokenNonce ?? nonce), new Claim("at_hash", atHash),
            ]),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(_key) { KeyId = "k1" }, SecurityAlgorithms.RsaSha256),
        });
    }

    /// <summary>The provider's token endpoint as the backchannel sees it.</summary>
    private sealed class TokenEndpoint(OidcPortalFactory factory) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Assert.Equal(Issuer + "/token", request.RequestUri!.AbsoluteUri);
            var form = HttpUtility.ParseQueryString(await request.Content!.ReadAsStringAsync(cancellationToken));
            lock (factory.TokenRequests)
            {
                factory.TokenRequests.Add(form.AllKeys.ToDictionary(k => k!, k => form[k]!));
            }
            var body = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["access_token"] = "at-1",
                ["token_type"] = "Bearer",
                ["expires_in"] = 3600,
                ["id_token"] = factory.IdToken(factory.ExpectedNonce ?? ""),
            });
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        }
    }

    /// <summary>The nonce of the authorize request the test is answering.</summary>
    public string? ExpectedNonce { get; set; }
}

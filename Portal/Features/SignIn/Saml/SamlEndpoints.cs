using Microsoft.AspNetCore.Mvc;

namespace Portal.Features.SignIn.Saml;

/// <summary>
/// /saml/metadata (the SP's own metadata) and the SAML use cases: /saml/login (<see cref="StartSamlSignIn"/>),
/// /saml/acs (<see cref="ReceiveSamlResponse"/>) and /saml/slo (<see cref="SamlSingleLogout"/>).
/// </summary>
internal static class SamlEndpoints
{
    public static void MapSamlEndpoints(this IEndpointRouteBuilder app)
    {
        var saml = app.MapGroup("/saml").AllowAnonymous();
        saml.MapGet("/metadata", (SamlServiceProviderOptions sp) =>
            Results.Text(SpMetadataWriter.Write(sp, "VO Data Portal"), "application/samlmetadata+xml"));
        StartSamlSignIn.Map(saml);
        ReceiveSamlResponse.Map(saml);
        saml.MapGet("/slo", SamlSingleLogout.HandleAsync);
    }
}

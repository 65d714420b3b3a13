namespace Portal.Hosting;

internal static class SecurityHeaders
{
    /// <summary>Headers every response carries: no sniffing, no framing (clickjacking), no referrer leaks of ids in URLs.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(static (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin";
            // script-src 'self': blazor.web.js and MudBlazor's script are files of this origin, and Blazor Server
            // runs no inline script and no eval (no import map either: the portal imports no JS modules by name).
            headers.ContentSecurityPolicy = "frame-ancestors 'none'; base-uri 'self'; form-action 'self' http: https:; "
                + "script-src 'self'; object-src 'none'";
            return next(context);
        });
}

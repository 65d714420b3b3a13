namespace Portal.Features.SignIn.Discovery;

/// <summary>
/// The IdP this browser last chose, so the discovery page can offer it first. It is only a hint for the page: the
/// login endpoint looks every entity ID up in the directory, so a forged value can do no more than show nothing.
/// </summary>
public static class LastChoiceCookie
{
    public const string Name = "portal_last_idp";

    public static void Remember(HttpContext http, string entityId)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.Cookies.Append(Name, entityId, new CookieOptions
        {
            HttpOnly = true,
            Path = "/",
            MaxAge = TimeSpan.FromDays(365),
            Secure = http.Request.IsHttps,
            SameSite = SameSiteMode.Lax,
            // A preference the person made themselves, needed for the page to do what it promises.
            IsEssential = true,
        });
    }

    public static string? Read(HttpContext? http) => http?.Request.Cookies[Name];
}

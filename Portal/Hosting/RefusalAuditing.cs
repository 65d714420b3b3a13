namespace Portal.Hosting;

/// <summary>
/// The one place API refusals become audit events: every problem response passes through the problem details
/// service (slices' Failures, authentication challenges, the rate limiter, the cross-origin check), and this sees it
/// there with its status and code. Pages report theirs through <see cref="PageCaller"/>.
/// </summary>
internal static class RefusalAuditing
{
    private const int MaxTargetLength = 300;

    public static void Observe(HttpContext http, int status, string code)
    {
        if (!RefusalPolicy.IsAudited(status, code) || RefusalPolicy.WasAudited(http))
        {
            return;
        }
        // A 401 to someone who presented nothing is the ordinary "sign in first"; one who presented a token or a
        // session that was refused is worth an event.
        if (status == StatusCodes.Status401Unauthorized && !PresentedCredentials(http.Request))
        {
            return;
        }
        RefusalPolicy.MarkAudited(http);
        var target = $"{http.Request.Method} {http.Request.PathBase}{http.Request.Path}";
        http.RequestServices.GetRequiredService<IRefusalRecorder>().Record(new Refusal(
            Caller.From(http).Actor, status, code, target.Length > MaxTargetLength ? target[..MaxTargetLength] : target));
    }

    private static bool PresentedCredentials(HttpRequest request) =>
        request.Headers.Authorization.Count > 0 || request.Cookies.ContainsKey(Features.SignIn.PortalAuthentication.SessionCookieName);
}

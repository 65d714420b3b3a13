namespace Portal.Policy.Model;

public enum ClientKind : byte
{
    Ui,
    ApiToken,
}

/// <summary>How the request reached the portal: the signed-in UI, or a personal API token and its scopes.</summary>
public readonly record struct Client(ClientKind Kind, TokenScopes Scopes)
{
    public static Client Ui => new(ClientKind.Ui, TokenScopes.None);

    public static Client Token(TokenScopes scopes) => new(ClientKind.ApiToken, scopes);

    public bool Allows(TokenScopes required) => Kind == ClientKind.Ui || (Scopes & required) == required;
}

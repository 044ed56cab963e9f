namespace GenieHive.Contracts.Cluster;

/// <summary><c>{"object":"list","data":[...]}</c>, the shape of every list on GenieHive's API.</summary>
public sealed record ListResponse<T>(IReadOnlyList<T> Data)
{
    public string Object { get; set; } = "list";
}

/// <summary><c>{"status":"ok"}</c> style acknowledgement.</summary>
public sealed record StatusResponse(string Status);

using Microsoft.Win32.SafeHandles;

namespace Segur.Soap;

/// <summary>
/// Holds one received multipart part: in memory up to a threshold, then in a private temporary file (owner-only
/// permissions on Unix, unlinked at once on Unix and deleted on close on Windows). Bytes are copied once from the
/// network into it; readers get independent positioned views, never a copy.
/// </summary>
internal sealed class PartBuffer : IDisposable
{
    private readonly long _threshold;
    private readonly long _maxLength;
    private readonly string _tempDirectory;
    private byte[] _memory = [];
    private FileStream? _file;
    private bool _disposed;

    public PartBuffer(long threshold, long maxLength, string tempDirectory)
    {
        _threshold = threshold;
        _maxLength = maxLength;
        _tempDirectory = tempDirectory;
    }

    public long Length { get; private set; }

    public bool IsOnDisk => _file is not null;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (data.IsEmpty)
        {
            return;
        }

        if (Length + data.Length > _maxLength)
        {
            throw new SegurProtocolException(CoreErrorCodes.MultipartTooLarge, $"A multipart part is larger than the limit of {_maxLength} bytes.");
        }

        if (_file is null && Length + data.Length > _threshold)
        {
            _file = CreateTempFile();
            await _file.WriteAsync(_memory.AsMemory(0, (int)Length), cancellationToken).ConfigureAwait(false);
            _memory = [];
        }

        if (_file is not null)
        {
            await _file.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var needed = (int)Length + data.Length;
            if (needed > _memory.Length)
            {
                Array.Resize(ref _memory, (int)Math.Min(_threshold, Math.Max(needed, Math.Max(4096, _memory.Length * 2L))));
            }

            data.Span.CopyTo(_memory.AsSpan((int)Length));
        }

        Length += data.Length;
    }

    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        if (_file is not null)
        {
            await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public Stream OpenRead()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _file is null
            ? new MemoryStream(_memory, 0, (int)Length, writable: false)
            : new FileRangeStream(_file.SafeFileHandle, Length, this);
    }

    public void Dispose()
    {
        _disposed = true;
        _file?.Dispose();
        _file = null;
        _memory = [];
    }

    private FileStream CreateTempFile()
    {
        var path = Path.Combine(_tempDirectory, "segur-mtom-" + Guid.NewGuid().ToString("N") + ".tmp");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            Options = FileOptions.DeleteOnClose | FileOptions.Asynchronous,
            BufferSize = 0,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var file = new FileStream(path, options);
        if (!OperatingSystem.IsWindows())
        {
            // The open handle keeps the data; nothing is left behind even if the process dies.
            File.Delete(path);
        }

        return file;
    }

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>A read-only view with its own position over the part's temporary file.</summary>
    private sealed class FileRangeStream(SafeFileHandle handle, long length, PartBuffer owner) : Stream
    {
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => length;

        public override long Position
        {
            get => _position;
            set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            owner.ThrowIfDisposed();
            var count = (int)Math.Min(buffer.Length, Math.Max(0, length - _position));
            if (count == 0)
            {
                return 0;
            }

            var read = RandomAccess.Read(handle, buffer[..count], _position);
            _position += read;
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            owner.ThrowIfDisposed();
            var count = (int)Math.Min(buffer.Length, Math.Max(0, length - _position));
            if (count == 0)
            {
                return 0;
            }

            var read = await RandomAccess.ReadAsync(handle, buffer[..count], _position, cancellationToken).ConfigureAwait(false);
            _position += read;
            return read;
        }

        public override long Seek(long offset, SeekOrigin origin)
        {
            Position = origin switch
            {
                SeekOrigin.Begin => offset,
                SeekOrigin.Current => _position + offset,
                _ => length + offset,
            };
            return _position;
        }

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

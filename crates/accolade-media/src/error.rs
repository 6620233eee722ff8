/// Why an image was refused or could not be made. Every message is plain language, meant for
/// the person who uploaded the image or designed the badge.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MediaError {
    #[error("the file is {}; the limit is {}", human_bytes(*.size), human_bytes(*.limit))]
    TooLarge { size: usize, limit: usize },
    #[error("the file is empty")]
    Empty,
    #[error("the file is not a PNG, JPEG, WebP or SVG image")]
    UnknownFormat,
    #[error("the image is {width}×{height} pixels; the limit is {max}×{max}")]
    Dimensions { width: u32, height: u32, max: u32 },
    #[error("the image would need too much memory to open (more than {} MiB)", .limit_mib)]
    TooMuchMemory { limit_mib: u64 },
    #[error("the image could not be read: {0}")]
    Corrupt(String),
    #[error("the SVG was refused: {0}")]
    SvgRefused(String),
    #[error("the SVG could not be read: {0}")]
    SvgInvalid(String),
    #[error("a {size}-pixel rendering was asked for; sizes from 1 to {max} pixels are possible")]
    RenderSize { size: u32, max: u32 },
    #[error("the image could not be rendered: {0}")]
    Render(String),
    #[error("the badge design is invalid: {0}")]
    Design(String),
}

fn human_bytes(n: usize) -> String {
    const MIB: usize = 1024 * 1024;
    if n >= MIB {
        // Rounded up, so a file just over a limit never reads as equal to it.
        let tenths = (n * 10).div_ceil(MIB);
        if tenths.is_multiple_of(10) {
            format!("{} MiB", tenths / 10)
        } else {
            format!("{}.{} MiB", tenths / 10, tenths % 10)
        }
    } else if n >= 1024 {
        format!("{} KiB", n / 1024)
    } else {
        format!("{n} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_plain() {
        let e = MediaError::Dimensions {
            width: 12000,
            height: 9000,
            max: 4096,
        };
        assert_eq!(
            e.to_string(),
            "the image is 12000×9000 pixels; the limit is 4096×4096"
        );
        let e = MediaError::TooLarge {
            size: 50 * 1024 * 1024,
            limit: 2 * 1024 * 1024,
        };
        assert_eq!(e.to_string(), "the file is 50 MiB; the limit is 2 MiB");
        assert_eq!(human_bytes(1536 * 1024), "1.5 MiB");
        assert_eq!(human_bytes(2 * 1024 * 1024 + 1), "2.1 MiB");
    }
}

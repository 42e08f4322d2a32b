//! A drawing backend at several device pixels per CSS pixel: panels lay out in CSS pixels (fonts, margins
//! and hit positions as on any screen) while the canvas gets a pixel per device pixel, so that charts are
//! sharp on high-density screens.

use plotters::prelude::*;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind, FontFamily, FontStyle, FontTransform,
};

pub struct HiDpi<B> {
    pub inner: B,
    /// Device pixels per CSS pixel.
    pub scale: f64,
}

impl<B> HiDpi<B> {
    fn at(&self, (x, y): BackendCoord) -> BackendCoord {
        ((x as f64 * self.scale).round() as i32, (y as f64 * self.scale).round() as i32)
    }
}

/// A line style with its width in device pixels.
struct Stroke<'a, S>(&'a S, f64);

impl<S: BackendStyle> BackendStyle for Stroke<'_, S> {
    fn color(&self) -> BackendColor {
        self.0.color()
    }

    fn stroke_width(&self) -> u32 {
        (self.0.stroke_width() as f64 * self.1).round() as u32
    }
}

/// A text style with its size in device pixels.
struct Lettering<'a, T>(&'a T, f64);

impl<T: BackendTextStyle> BackendTextStyle for Lettering<'_, T> {
    type FontError = T::FontError;

    fn color(&self) -> BackendColor {
        self.0.color()
    }

    fn size(&self) -> f64 {
        self.0.size() * self.1
    }

    fn transform(&self) -> FontTransform {
        self.0.transform()
    }

    fn style(&self) -> FontStyle {
        self.0.style()
    }

    fn anchor(&self) -> plotters_backend::text_anchor::Pos {
        self.0.anchor()
    }

    fn family(&self) -> FontFamily<'_> {
        self.0.family()
    }

    fn layout_box(&self, text: &str) -> Result<((i32, i32), (i32, i32)), Self::FontError> {
        self.0.layout_box(text)
    }

    fn draw<E, F: FnMut(i32, i32, BackendColor) -> Result<(), E>>(
        &self,
        text: &str,
        pos: BackendCoord,
        draw: F,
    ) -> Result<Result<(), E>, Self::FontError> {
        self.0.draw(text, pos, draw)
    }
}

impl<B: DrawingBackend> DrawingBackend for HiDpi<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        let (w, h) = self.inner.get_size();
        ((w as f64 / self.scale) as u32, (h as f64 / self.scale) as u32)
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let (x, y) = point;
        let (from, to) = (self.at(point), self.at((x + 1, y + 1)));
        let style = RGBAColor(color.rgb.0, color.rgb.1, color.rgb.2, color.alpha);
        self.inner.draw_rect(from, to, &style, true)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let (from, to) = (self.at(from), self.at(to));
        self.inner.draw_line(from, to, &Stroke(style, self.scale))
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let (from, to) = (self.at(upper_left), self.at(bottom_right));
        self.inner.draw_rect(from, to, &Stroke(style, self.scale), fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let path: Vec<BackendCoord> = path.into_iter().map(|p| self.at(p)).collect();
        self.inner.draw_path(path, &Stroke(style, self.scale))
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let (center, radius) = (self.at(center), (radius as f64 * self.scale).round() as u32);
        self.inner.draw_circle(center, radius, &Stroke(style, self.scale), fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vertices: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let vertices: Vec<BackendCoord> = vertices.into_iter().map(|p| self.at(p)).collect();
        self.inner.fill_polygon(vertices, style)
    }

    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let pos = self.at(pos);
        self.inner.draw_text(text, &Lettering(style, self.scale), pos)
    }

    fn estimate_text_size<T: BackendTextStyle>(
        &self,
        text: &str,
        style: &T,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        let (w, h) = self.inner.estimate_text_size(text, &Lettering(style, self.scale))?;
        Ok(((w as f64 / self.scale).ceil() as u32, (h as f64 / self.scale).ceil() as u32))
    }
}

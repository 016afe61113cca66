//! Charts as SVG, drawn with plotters: bars, a stacked timeline, a matrix and a map with
//! great-circle arcs. Labels are plain SVG text, so the browser shapes Arabic itself.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::error::{Error, Result};

const PALETTE: [RGBColor; 8] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
];

fn chart_error<E: std::fmt::Debug>(error: E) -> Error {
    Error::Invalid(format!("cannot draw a chart: {error:?}"))
}

fn font(size: u32) -> TextStyle<'static> {
    ("sans-serif", size).into_font().into()
}

/// Horizontal bars, one per category, longest first as given.
pub fn bars(title: &str, categories: &[(String, f64)]) -> Result<String> {
    let mut svg = String::new();
    let height = 80 + 28 * categories.len().max(1) as u32;
    {
        let root = SVGBackend::with_string(&mut svg, (720, height)).into_drawing_area();
        root.fill(&WHITE).map_err(chart_error)?;
        let max = categories.iter().map(|(_, v)| *v).fold(1.0, f64::max);
        let count = categories.len().max(1) as u32;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, font(18))
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(190)
            .build_cartesian_2d(0f64..max * 1.1, (0u32..count).into_segmented())
            .map_err(chart_error)?;
        let labels: Vec<String> = categories.iter().map(|(label, _)| label.clone()).collect();
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(TRANSPARENT)
            .x_labels(6)
            .y_labels(categories.len().max(1))
            .y_label_formatter(&|value| match value {
                SegmentValue::CenterOf(index) if *index < count => labels
                    .get((count - 1 - index) as usize)
                    .cloned()
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .x_label_formatter(&|value| format!("{value:.0}"))
            .label_style(font(13))
            .draw()
            .map_err(chart_error)?;
        // One rectangle per category, drawn in order: plotters' Histogram groups its data in a
        // hash map, whose order (and so the SVG's bytes) changes from run to run.
        let segments = (0u32..count).into_segmented();
        chart
            .draw_series(
                categories
                    .iter()
                    .enumerate()
                    .filter_map(|(index, (_, value))| {
                        // The first category on top.
                        let row = (count - 1 - index as u32) as usize;
                        let (from, to) = (segments.from_index(row)?, segments.from_index(row + 1)?);
                        let mut bar =
                            Rectangle::new([(*value, from), (0.0, to)], PALETTE[0].filled());
                        bar.set_margin(6, 6, 0, 0);
                        Some(bar)
                    }),
            )
            .map_err(chart_error)?;
        root.present().map_err(chart_error)?;
    }
    Ok(svg)
}

/// Counts by year, stacked by series: a true time axis (every year from the first to the last,
/// so that years without agreements show as gaps), whole-number ticks on the count axis, and the
/// legend beside the plot, where it can cover no bar. `years` are the years with data, and each
/// series has one count per year, in that order.
pub fn stacked_timeline(
    title: &str,
    years: &[i32],
    series: &[(String, Vec<f64>)],
) -> Result<String> {
    let (Some(&first), Some(&last)) = (years.iter().min(), years.iter().max()) else {
        return Ok(String::new());
    };
    let slot = |year: i32| (year - first) as u32;
    let span = slot(last) + 1;
    // The stacked total of each year, in whole agreements.
    let mut totals = vec![0u32; span as usize];
    for (_, values) in series {
        for (year, value) in years.iter().zip(values) {
            totals[slot(*year) as usize] += value.round() as u32;
        }
    }
    let top = totals.iter().copied().max().unwrap_or(0).max(1);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (720, 360)).into_drawing_area();
        root.fill(&WHITE).map_err(chart_error)?;
        let root = root.titled(title, font(18)).map_err(chart_error)?;
        let (plot, legend) = root.split_horizontally(560);
        let mut chart = ChartBuilder::on(&plot)
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(40)
            .build_cartesian_2d((0u32..span).into_segmented(), 0u32..top + 1)
            .map_err(chart_error)?;
        // At most about twelve year labels, every year when they fit.
        let step = span.div_ceil(12).max(1);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .x_labels(span as usize)
            .x_label_formatter(&|value| match value {
                SegmentValue::CenterOf(index) if index % step == 0 => {
                    (first + *index as i32).to_string()
                }
                _ => String::new(),
            })
            .y_labels((top + 2) as usize)
            .y_label_formatter(&|value| value.to_string())
            .label_style(font(12))
            .draw()
            .map_err(chart_error)?;
        let mut base = vec![0u32; span as usize];
        // One legend row per series, as many as fit; then an ellipsis.
        let rows = ((legend.dim_in_pixel().1.saturating_sub(20)) / 22) as usize;
        for (index, (name, values)) in series.iter().enumerate() {
            let colour = PALETTE[index % PALETTE.len()];
            let mut bars = Vec::new();
            for (year, value) in years.iter().zip(values) {
                let at = slot(*year);
                let count = value.round() as u32;
                if count == 0 {
                    continue;
                }
                let bottom = base[at as usize];
                base[at as usize] += count;
                bars.push(Rectangle::new(
                    [
                        (SegmentValue::Exact(at), bottom),
                        (SegmentValue::Exact(at + 1), bottom + count),
                    ],
                    colour.filled(),
                ));
            }
            chart.draw_series(bars).map_err(chart_error)?;
            let y = 20 + 22 * index as i32;
            if index + 1 < rows || (index + 1 == rows && series.len() == rows) {
                legend
                    .draw(&Rectangle::new([(4, y), (16, y + 12)], colour.filled()))
                    .map_err(chart_error)?;
                legend
                    .draw(&Text::new(name.clone(), (22, y), font(12)))
                    .map_err(chart_error)?;
            } else if index + 1 == rows {
                legend
                    .draw(&Text::new("…", (22, y), font(12)))
                    .map_err(chart_error)?;
            }
        }
        root.present().map_err(chart_error)?;
    }
    Ok(svg)
}

/// A matrix of counts: rows (home cities) by columns (axes), shaded by value, with the numbers.
pub fn matrix(
    title: &str,
    rows: &[String],
    columns: &[String],
    values: &[Vec<f64>],
) -> Result<String> {
    let mut svg = String::new();
    let (width, height) = (
        140 + 110 * columns.len() as u32,
        70 + 40 * rows.len() as u32,
    );
    {
        let root = SVGBackend::with_string(&mut svg, (width.max(400), height)).into_drawing_area();
        root.fill(&WHITE).map_err(chart_error)?;
        let root = root.titled(title, font(18)).map_err(chart_error)?;
        let max = values.iter().flatten().copied().fold(1.0, f64::max);
        let cell = |row: usize, column: usize| {
            let x = 130 + 110 * column as i32;
            let y = 30 + 40 * row as i32;
            (x, y)
        };
        for (c, name) in columns.iter().enumerate() {
            let (x, _) = cell(0, c);
            root.draw(&Text::new(
                name.clone(),
                (x + 55, 15),
                font(12).pos(Pos::new(HPos::Center, VPos::Center)),
            ))
            .map_err(chart_error)?;
        }
        for (r, name) in rows.iter().enumerate() {
            let (_, y) = cell(r, 0);
            root.draw(&Text::new(
                name.clone(),
                (120, y + 18),
                font(13).pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(chart_error)?;
            for (c, value) in values[r].iter().enumerate() {
                let (x, y) = cell(r, c);
                let shade = PALETTE[0].mix(0.1 + 0.9 * value / max);
                root.draw(&Rectangle::new([(x, y), (x + 106, y + 36)], shade.filled()))
                    .map_err(chart_error)?;
                root.draw(&Text::new(
                    format!("{value:.0}"),
                    (x + 53, y + 18),
                    font(14).pos(Pos::new(HPos::Center, VPos::Center)),
                ))
                .map_err(chart_error)?;
            }
        }
        root.present().map_err(chart_error)?;
    }
    Ok(svg)
}

/// Longitude and latitude, in degrees.
pub type Point = (f64, f64);

/// A place on the map.
pub struct MapPoint {
    /// Its label.
    pub label: String,
    /// Longitude, latitude.
    pub at: (f64, f64),
    /// Home cities are drawn larger, in another colour.
    pub home: bool,
}

/// Points along the great circle from `a` to `b` (longitude, latitude in degrees).
pub fn great_circle(a: (f64, f64), b: (f64, f64), steps: usize) -> Vec<(f64, f64)> {
    let to_vector = |(lon, lat): (f64, f64)| {
        let (lon, lat) = (lon.to_radians(), lat.to_radians());
        [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
    };
    let (u, v) = (to_vector(a), to_vector(b));
    let dot = (u[0] * v[0] + u[1] * v[1] + u[2] * v[2]).clamp(-1.0, 1.0);
    let omega = dot.acos();
    if omega < 1e-9 {
        return vec![a, b];
    }
    (0..=steps)
        .map(|i| {
            let t = i as f64 / steps as f64;
            let (s1, s2) = (
                ((1.0 - t) * omega).sin() / omega.sin(),
                (t * omega).sin() / omega.sin(),
            );
            let p = [
                s1 * u[0] + s2 * v[0],
                s1 * u[1] + s2 * v[1],
                s1 * u[2] + s2 * v[2],
            ];
            (
                p[1].atan2(p[0]).to_degrees(),
                p[2].atan2((p[0] * p[0] + p[1] * p[1]).sqrt()).to_degrees(),
            )
        })
        .collect()
}

/// A world map (equirectangular) with the land outline, the places, and great-circle arcs.
pub fn map(
    title: &str,
    land: &[Vec<(f64, f64)>],
    points: &[MapPoint],
    arcs: &[(Point, Point)],
) -> Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (960, 520)).into_drawing_area();
        root.fill(&RGBColor(235, 244, 250)).map_err(chart_error)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, font(18))
            .margin(8)
            .build_cartesian_2d(-180f64..180f64, -60f64..85f64)
            .map_err(chart_error)?;
        chart
            .draw_series(
                land.iter()
                    .map(|ring| Polygon::new(ring.clone(), RGBColor(222, 217, 200).filled())),
            )
            .map_err(chart_error)?;
        for &(from, to) in arcs {
            // Split where the arc crosses the antimeridian, so it does not streak across the map.
            let mut segment: Vec<(f64, f64)> = Vec::new();
            for point in great_circle(from, to, 64) {
                if segment
                    .last()
                    .is_some_and(|last: &(f64, f64)| (last.0 - point.0).abs() > 180.0)
                {
                    chart
                        .draw_series(std::iter::once(PathElement::new(
                            std::mem::take(&mut segment),
                            PALETTE[3].mix(0.7).stroke_width(1),
                        )))
                        .map_err(chart_error)?;
                }
                segment.push(point);
            }
            chart
                .draw_series(std::iter::once(PathElement::new(
                    segment,
                    PALETTE[3].mix(0.7).stroke_width(1),
                )))
                .map_err(chart_error)?;
        }
        for point in points {
            let (colour, size) = if point.home {
                (PALETTE[0], 4)
            } else {
                (PALETTE[3], 3)
            };
            chart
                .draw_series(std::iter::once(Circle::new(
                    point.at,
                    size,
                    colour.filled(),
                )))
                .map_err(chart_error)?;
        }
        // Labels in pixels, placed so that none covers another or a city's dot; a label moved
        // away from its dot is tied to it by a leader line.
        let pixels: Vec<(i32, i32)> = points.iter().map(|p| chart.backend_coord(&p.at)).collect();
        let area = root.dim_in_pixel();
        let placed = place_labels(points, &pixels, (area.0 as i32, area.1 as i32));
        for ((point, &dot), label) in points.iter().zip(&pixels).zip(&placed) {
            if label.leader {
                let to = label.nearest_edge(dot);
                root.draw(&PathElement::new(
                    vec![dot, to],
                    BLACK.mix(0.75).stroke_width(1),
                ))
                .map_err(chart_error)?;
            }
            root.draw(&Text::new(
                point.label.clone(),
                (label.left, label.top),
                font(label_size(point)),
            ))
            .map_err(chart_error)?;
        }
        root.present().map_err(chart_error)?;
    }
    Ok(svg)
}

fn label_size(point: &MapPoint) -> u32 {
    if point.home {
        12
    } else {
        10
    }
}

/// Where a map label goes: its box in pixels, and whether it is away from its dot.
#[derive(Debug, Clone, Copy, PartialEq)]
struct LabelBox {
    left: i32,
    top: i32,
    width: i32,
    height: i32,
    leader: bool,
}

impl LabelBox {
    fn overlaps(&self, other: &LabelBox) -> bool {
        self.left < other.left + other.width
            && other.left < self.left + self.width
            && self.top < other.top + other.height
            && other.top < self.top + self.height
    }

    /// The point of the box's edge nearest to `from`, where a leader line ends.
    fn nearest_edge(&self, from: (i32, i32)) -> (i32, i32) {
        (
            from.0.clamp(self.left, self.left + self.width),
            from.1.clamp(self.top, self.top + self.height),
        )
    }
}

/// Places one label per point, home cities first: beside its dot if that space is free, else at
/// growing distances around it (with a leader line), never over another label or dot and inside
/// `area`. A label's size is estimated from its characters (0.62 em each, a little more than
/// the sans-serif fonts browsers use for Latin and Arabic).
fn place_labels(points: &[MapPoint], pixels: &[(i32, i32)], area: (i32, i32)) -> Vec<LabelBox> {
    let size = |point: &MapPoint| {
        let em = label_size(point) as f64;
        (
            (point.label.chars().count() as f64 * em * 0.62).ceil() as i32 + 2,
            em as i32 + 3,
        )
    };
    // Dots are obstacles too.
    let mut taken: Vec<LabelBox> = pixels
        .iter()
        .map(|&(x, y)| LabelBox {
            left: x - 4,
            top: y - 4,
            width: 9,
            height: 9,
            leader: false,
        })
        .collect();
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_by_key(|&i| (!points[i].home, pixels[i].1, pixels[i].0));
    let mut placed = vec![None; points.len()];
    for i in order {
        let (width, height) = size(&points[i]);
        let (x, y) = pixels[i];
        let mut candidates = Vec::new();
        for (ring, distance) in [6, 16, 28, 42, 58, 76, 96].into_iter().enumerate() {
            // Right, left, above, below, then the diagonals.
            for (dx, dy) in [
                (1, 0),
                (-1, 0),
                (0, -1),
                (0, 1),
                (1, -1),
                (-1, -1),
                (1, 1),
                (-1, 1),
            ] {
                let left = match dx {
                    1 => x + distance,
                    -1 => x - distance - width,
                    _ => x - width / 2,
                };
                let top = match dy {
                    -1 => y - distance - height,
                    1 => y + distance,
                    _ => y - height / 2,
                };
                candidates.push(LabelBox {
                    left,
                    top,
                    width,
                    height,
                    leader: ring > 0,
                });
            }
        }
        let inside = |b: &LabelBox| {
            b.left >= 0 && b.top >= 0 && b.left + b.width <= area.0 && b.top + b.height <= area.1
        };
        let choice = candidates
            .iter()
            .find(|b| inside(b) && !taken.iter().any(|t| t.overlaps(b)))
            .or_else(|| candidates.iter().find(|b| inside(b)))
            .copied()
            .unwrap_or(candidates[0]);
        taken.push(choice);
        placed[i] = Some(choice);
    }
    placed
        .into_iter()
        .map(|b| b.expect("every point placed"))
        .collect()
}

/// Parses the bundled land outline: one ring per line, `lon,lat` pairs; `#` lines are comments.
pub fn parse_outline(text: &str) -> Vec<Vec<(f64, f64)>> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            line.split_whitespace()
                .filter_map(|pair| {
                    let (lon, lat) = pair.split_once(',')?;
                    Some((lon.parse().ok()?, lat.parse().ok()?))
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn great_circles_start_and_end_at_their_points() {
        let arc = great_circle((-15.96, 23.68), (-82.99, 39.96), 32);
        let (first, last) = (arc[0], arc[arc.len() - 1]);
        assert!((first.0 + 15.96).abs() < 1e-6 && (first.1 - 23.68).abs() < 1e-6);
        assert!((last.0 + 82.99).abs() < 1e-6 && (last.1 - 39.96).abs() < 1e-6);
        // A great circle from Dakhla to Columbus bulges north of both ends.
        assert!(arc.iter().any(|p| p.1 > 40.0));
    }

    /// Issue 16: the timeline read 0,0,1,2,2,2,3,… on its count axis, spaced 2009 and 2019 as
    /// if consecutive, and its legend covered a bar. Years now run without gaps, counts are
    /// whole numbers, and the legend lies right of the plot.
    #[test]
    fn the_timeline_has_a_time_axis_whole_counts_and_a_legend_beside_it() {
        let svg = stacked_timeline(
            "Timeline",
            &[2009, 2019, 2023],
            &[
                ("Dakhla".to_owned(), vec![1.0, 0.0, 2.0]),
                ("Smara".to_owned(), vec![1.0, 1.0, 0.0]),
            ],
        )
        .unwrap();
        let texts: Vec<&str> = svg
            .split("<text")
            .skip(1)
            .filter_map(|text| text.split('>').nth(1)?.split('<').next())
            .map(str::trim)
            .collect();
        for year in ["2009", "2011", "2015", "2023"] {
            assert!(texts.contains(&year), "{year} on the time axis: {texts:?}");
        }
        let counts: Vec<&str> = texts
            .iter()
            .copied()
            .filter(|t| t.parse::<f64>().is_ok_and(|n| n < 100.0))
            .collect();
        assert_eq!(counts, ["0", "1", "2", "3"], "whole-number ticks");
        // The legend's text starts right of the plot area (560 px wide).
        let dakhla = svg.split("Dakhla").next().unwrap();
        let x: f64 = dakhla
            .rsplit("x=\"")
            .next()
            .and_then(|rest| rest.split('"').next())
            .and_then(|x| x.parse().ok())
            .unwrap();
        assert!(x > 560.0, "legend at x = {x}");
    }

    #[test]
    fn charts_are_svg_with_their_labels() {
        let svg = bars(
            "Regions",
            &[
                ("أوروبا الغربية".to_owned(), 10.0),
                ("Africa".to_owned(), 2.0),
            ],
        )
        .unwrap();
        assert!(
            svg.starts_with("<svg") && svg.contains("أوروبا الغربية") && svg.contains("Africa")
        );
        let svg = map(
            "Map",
            &[vec![(0.0, 0.0), (10.0, 0.0), (10.0, 10.0)]],
            &[MapPoint {
                label: "Dakhla".into(),
                at: (-15.9, 23.7),
                home: true,
            }],
            &[((-15.9, 23.7), (2.5, 49.2))],
        )
        .unwrap();
        assert!(svg.contains("Dakhla") && svg.contains("<path") || svg.contains("<polyline"));
    }

    #[test]
    fn outlines_parse_and_skip_comments() {
        let rings = parse_outline("# header\n1,2 3,4 5,6\n\n-7.5,8 9,10\n");
        assert_eq!(
            rings,
            vec![
                vec![(1.0, 2.0), (3.0, 4.0), (5.0, 6.0)],
                vec![(-7.5, 8.0), (9.0, 10.0)]
            ]
        );
    }
}

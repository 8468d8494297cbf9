from __future__ import annotations

import pytest

from medauto.engines.document.ocr import ocr_image
from medauto.engines.media.decode import iter_frames
from medauto.engines.media.types import Utterance
from medauto.engines.media.video import VideoSettings, analyse_video, detect_shots, group_chapters
from tests.unit.engines.media import mediagen as gen

BLUE = (20, 40, 160)
YELLOW = (200, 180, 40)
GREEN = (30, 150, 60)
SIZE = (320, 180)


def test_a_hard_cut_splits_two_shots_at_the_right_frame() -> None:
    data = gen.video_bytes([gen.Scene(2.0, BLUE), gen.Scene(2.0, YELLOW)], fps=25, size=SIZE)
    shots, keys, looks, count = detect_shots(iter_frames(data), VideoSettings())
    assert count == 100
    assert [(s.start_frame, s.end_frame) for s in shots] == [(0, 49), (50, 99)]
    assert shots[0].confidence == 1.0 and 0.6 <= shots[1].confidence <= 1.0
    assert [k.shot_index for k in keys] == [0, 1]
    assert all(s.start_frame <= k.frame_index <= s.end_frame for s, k in zip(shots, keys, strict=True))
    assert len(looks) == 2


def test_motion_inside_a_scene_is_not_a_cut() -> None:
    data = gen.video_bytes([gen.Scene(4.0, GREEN)], fps=25, size=SIZE)
    shots, _, _, _ = detect_shots(iter_frames(data), VideoSettings())
    assert len(shots) == 1


def test_returning_views_stay_in_one_chapter_and_a_new_scene_opens_another() -> None:
    scenes = [gen.Scene(2.0, BLUE), gen.Scene(2.0, YELLOW), gen.Scene(2.0, BLUE), gen.Scene(3.0, GREEN)]
    data = gen.video_bytes(scenes, fps=25, size=SIZE)
    shots, _, looks, _ = detect_shots(iter_frames(data), VideoSettings())
    assert len(shots) == 4
    chapters = group_chapters(shots, looks, 25.0)
    assert [c.shot_indices for c in chapters] == [(0, 1, 2), (3,)]
    assert (chapters[1].start_frame, chapters[1].end_frame) == (150, 224)
    # Someone talking across the last cut keeps it in the same chapter.
    talking = [Utterance(5000, 6500, "still talking", (), "en")]
    assert len(group_chapters(shots, looks, 25.0, talking)) == 1


@pytest.mark.parametrize("fps", [25, 30])
def test_key_frames_are_read_with_ocr(fps: int) -> None:
    scenes = [gen.Scene(1.5, BLUE, "BLOOD PRESSURE"), gen.Scene(1.5, YELLOW, "ASPIRIN 81 MG")]
    data = gen.video_bytes(scenes, fps=fps, size=(640, 360))

    def read(image: object) -> list:
        return [styled.line for styled in ocr_image(image, 0).lines]  # type: ignore[arg-type]

    analysis = analyse_video(data, float(fps), read=read)
    assert len(analysis.shots) == 2
    texts = [" ".join(line.text for line in key.lines) for key in analysis.key_frames]
    assert texts == ["BLOOD PRESSURE", "ASPIRIN 81 MG"]
    words = [w.text for w in analysis.key_frames[1].lines[0].words]
    assert words == ["ASPIRIN", "81", "MG"]
